// The jobs page: the live list (polled every 1.5 s), uploads with progress (file picker and drag and drop), and
// pause / resume / retry / delete / priority per job.
'use strict';

(() => {
  const {api, el, say} = MPP;
  const tbody = document.querySelector('#jobs tbody');
  const empty = document.getElementById('jobs-empty');
  const listError = document.getElementById('jobs-error');
  const filter = document.getElementById('status-filter');
  const status = document.getElementById('upload-status');
  const box = document.getElementById('upload-box');
  const bar = document.getElementById('upload-progress');
  const barLabel = document.getElementById('upload-label');
  const form = document.getElementById('upload-form');
  const picker = document.getElementById('file');
  const drop = document.getElementById('drop');

  async function act(job, what, request) {
    try {
      await request();
      say(listError, '');
      refresh.now();
    } catch (e) {
      if (e.status !== 401) {
        say(listError, 'Cannot ' + what + ' job ' + job.id + ': ' + e.message, false);
      }
    }
  }

  function actions(job) {
    const id = job.uuid || job.id;
    const path = '/api/v1/jobs/' + encodeURIComponent(id);
    const done = job.status.name === 'complete' || job.status.name === 'failed';
    const out = [];
    if (!done) {
      out.push(job.paused
        ? el('button', {type: 'button', name: 'resume-' + job.id, text: 'Resume',
          'aria-label': 'Resume job ' + job.id, onclick: () => act(job, 'resume', () => api('POST', path + '/resume'))})
        : el('button', {type: 'button', name: 'pause-' + job.id, text: 'Pause',
          'aria-label': 'Pause job ' + job.id, onclick: () => act(job, 'pause', () => api('POST', path + '/pause'))}));
    }
    if (job.status.name === 'failed') {
      out.push(el('button', {type: 'button', name: 'retry-' + job.id, text: 'Retry', 'aria-label': 'Retry job ' + job.id,
        onclick: () => act(job, 'retry', () => api('POST', path + '/retry'))}));
    }
    out.push(el('button', {type: 'button', name: 'delete-' + job.id, text: 'Delete', class: 'danger',
      'aria-label': 'Delete job ' + job.id, onclick: () => {
        if (confirm('Delete job ' + job.id + ' (' + job.sourceName + ') and its files?')) {
          act(job, 'delete', () => api('DELETE', path));
        }
      }}));
    return out;
  }

  function priority(job) {
    const id = job.uuid || job.id;
    const input = el('input', {type: 'number', step: 1, name: 'priority-' + job.id, id: 'priority-' + job.id,
      value: String(job.priority), class: 'small'});
    const set = () => {
      const value = Number.parseInt(input.value, 10);
      if (!Number.isFinite(value)) {
        say(listError, 'A priority is a whole number.', false);
        return;
      }
      act(job, 'set the priority of', () => api('PUT', '/api/v1/jobs/' + encodeURIComponent(id) + '/priority', {priority: value}));
    };
    input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') {
        set();
      }
    });
    return [el('label', {for: input.id, class: 'visually-hidden', text: 'Priority of job ' + job.id}), input,
      el('button', {type: 'button', name: 'set-priority-' + job.id, text: 'Set', 'aria-label': 'Set the priority of job ' + job.id,
        onclick: set})];
  }

  function progress(job) {
    const pct = Math.round(job.progress * 100);
    const eta = job.etaSeconds === null || job.etaSeconds === undefined ? '' : ' · ' + MPP.duration(job.etaSeconds) + ' left';
    return [el('progress', {max: 1, value: job.progress, 'aria-label': 'Progress of job ' + job.id}),
      el('span', {class: 'pct', text: pct + ' %' + eta})];
  }

  function row(job) {
    const link = el('a', {href: '/jobs/' + encodeURIComponent(job.uuid || job.id), text: job.sourceName});
    const state = job.status.name + (job.paused ? ' (paused)' : '');
    return el('tr', {id: 'job-' + job.id, class: 'status-' + job.status.name},
      el('td', {'data-label': 'Job', text: String(job.id)}),
      el('td', {'data-label': 'Source', class: 'name'}, link),
      el('td', {'data-label': 'Status', class: 'state'}, el('span', {class: 'badge ' + job.status.name + (job.paused ? ' paused' : ''), text: state})),
      el('td', {'data-label': 'Progress', class: 'progress'}, progress(job)),
      el('td', {'data-label': 'Priority', class: 'priority'}, priority(job)),
      el('td', {'data-label': 'Failure', class: 'reason', text: job.failureReason || ''}),
      el('td', {'data-label': 'Actions', class: 'actions'}, actions(job)));
  }

  const PAGE = 50;
  const newer = document.getElementById('newer');
  const older = document.getElementById('older');
  const pageInfo = document.getElementById('page-info');
  let offset = 0;

  const refresh = MPP.poll(async () => {
    const q = filter.value ? '&status=' + encodeURIComponent(filter.value) : '';
    // One more than a page: whether an older page exists.
    const page = await api('GET', '/api/v1/jobs?limit=' + (PAGE + 1) + '&offset=' + offset + q);
    const jobs = page.slice(0, PAGE);
    // ETA and progress change every poll; the row is rebuilt then (focus kept, not while typing a priority).
    MPP.syncRows(tbody, jobs, (j) => j.id, row);
    empty.hidden = jobs.length > 0;
    newer.disabled = offset === 0;
    older.disabled = page.length <= PAGE;
    pageInfo.textContent = jobs.length ? 'Jobs ' + (offset + 1) + '–' + (offset + jobs.length) + ', newest first' : '';
  }, 1500);

  filter.addEventListener('change', () => {
    offset = 0;
    refresh.now();
  });
  newer.addEventListener('click', () => {
    offset = Math.max(0, offset - PAGE);
    refresh.now();
  });
  older.addEventListener('click', () => {
    offset += PAGE;
    refresh.now();
  });

  /**
   * Uploads one file and shows its progress; resolves to the job or null. The body is the file itself with its name in
   * ?name= (the API's raw upload), not multipart: a browser escapes quotes and line breaks in a multipart file name
   * (%22, %0A), which would change the job's name; the query parameter carries it exactly.
   */
  function upload(file, prio) {
    return new Promise((resolve) => {
      const xhr = new XMLHttpRequest();
      xhr.open('POST', '/api/v1/jobs?name=' + encodeURIComponent(file.name) + '&priority=' + encodeURIComponent(String(prio)));
      xhr.setRequestHeader('X-CSRF-Token', MPP.cookie('mpp_csrf'));
      xhr.setRequestHeader('Content-Type', 'application/octet-stream');
      xhr.setRequestHeader('Accept', 'application/json');
      box.hidden = false;
      bar.value = 0;
      barLabel.textContent = 'Uploading ' + file.name + ' (' + MPP.bytes(file.size) + ')';
      xhr.upload.addEventListener('progress', (e) => {
        if (e.lengthComputable) {
          bar.value = e.loaded / e.total;
          barLabel.textContent = 'Uploading ' + file.name + ': ' + MPP.bytes(e.loaded) + ' of ' + MPP.bytes(e.total);
        }
      });
      xhr.addEventListener('load', () => {
        let body = null;
        try {
          body = JSON.parse(xhr.responseText);
        } catch (e) {
          body = null;
        }
        MPP.connectionBack();
        if (xhr.status === 201 && body) {
          say(status, 'Uploaded ' + file.name + ' as job ' + body.id + '.', true);
          resolve(body);
        } else if (xhr.status === 401) {
          MPP.toLogin();
          resolve(null);
        } else {
          const why = body && body.detail ? body.detail : 'HTTP ' + xhr.status;
          say(status, 'Upload of ' + file.name + ' failed (' + xhr.status + '): ' + why, false);
          resolve(null);
        }
      });
      xhr.addEventListener('error', () => {
        say(status, 'Upload of ' + file.name + ' failed: the connection broke off (the server is unreachable, '
          + 'or it refused a file this large).', false);
        resolve(null);
      });
      xhr.send(file);
    });
  }

  async function uploadAll(files) {
    if (!files.length) {
      say(status, 'Choose a file first.', false);
      return;
    }
    const prio = Number.parseInt(document.getElementById('upload-priority').value || '0', 10) || 0;
    for (const f of files) {
      await upload(f, prio);
      refresh.now();
    }
    box.hidden = true;
    picker.value = '';
  }

  form.addEventListener('submit', (e) => {
    e.preventDefault();
    uploadAll(Array.from(picker.files));
  });

  for (const name of ['dragenter', 'dragover']) {
    drop.addEventListener(name, (e) => {
      e.preventDefault();
      drop.classList.add('over');
    });
  }
  for (const name of ['dragleave', 'drop']) {
    drop.addEventListener(name, () => drop.classList.remove('over'));
  }
  drop.addEventListener('drop', (e) => {
    e.preventDefault();
    uploadAll(Array.from(e.dataTransfer.files));
  });
})();
