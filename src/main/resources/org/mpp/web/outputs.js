// The output ladder: every rung, enable / disable, and one form that adds a rung or edits the one chosen; the API's
// validation message shows next to the form.
'use strict';

(() => {
  const {api, el, say} = MPP;
  const tbody = document.querySelector('#outputs tbody');
  const form = document.getElementById('output-form');
  const error = document.getElementById('output-error');
  const status = document.getElementById('output-status');
  const title = document.getElementById('output-form-title');
  const save = document.getElementById('save-output');
  const cancel = document.getElementById('cancel-edit');
  const FIELDS = ['maxX', 'maxY', 'crf', 'preset', 'profile', 'maxFramerate', 'audioBitrate'];

  function edit(o) {
    if (!o) {
      form.reset();
    }
    form.elements.id.value = o ? String(o.id) : '';
    for (const f of FIELDS) {
      if (o && o[f] !== null && o[f] !== undefined) {
        form.elements[f].value = String(o[f]);
      }
    }
    form.elements.active.checked = o ? o.active : true;
    title.textContent = o ? 'Edit output ' + o.id : 'Add an output';
    save.textContent = o ? 'Save output ' + o.id : 'Add output';
    cancel.hidden = !o;
    say(error, '');
    if (o) {
      form.elements.maxX.focus();
    }
  }

  async function setActive(o, active) {
    try {
      await api('PUT', '/api/v1/outputs/' + o.id, {active});
      say(status, 'Output ' + o.id + (active ? ' enabled.' : ' disabled.'), true);
      load();
    } catch (e) {
      if (e.status !== 401) {
        say(error, e.message, false);
      }
    }
  }

  function row(o) {
    const size = o.valid ? o.maxX + '×' + o.maxY : 'invalid row';
    return el('tr', {id: 'output-' + o.id, class: o.active ? '' : 'inactive'},
      el('td', {'data-label': 'Output', text: String(o.id)}),
      el('td', {'data-label': 'Active', text: o.active ? 'yes' : 'no'}),
      el('td', {'data-label': 'Max size', text: size}),
      el('td', {'data-label': 'CRF', text: o.valid ? String(o.crf) : ''}),
      el('td', {'data-label': 'Preset', text: o.preset || ''}),
      el('td', {'data-label': 'Profile', text: o.profile || ''}),
      el('td', {'data-label': 'Max fps', text: o.valid ? String(o.maxFramerate) : ''}),
      el('td', {'data-label': 'Audio', text: o.valid ? o.audioBitrate + ' kbit/s' : ''}),
      el('td', {'data-label': 'Actions', class: 'actions'},
        el('button', {type: 'button', name: 'edit-' + o.id, text: 'Edit', 'aria-label': 'Edit output ' + o.id, onclick: () => edit(o)}),
        o.active
          ? el('button', {type: 'button', name: 'disable-' + o.id, text: 'Disable', 'aria-label': 'Disable output ' + o.id, onclick: () => setActive(o, false)})
          : el('button', {type: 'button', name: 'enable-' + o.id, text: 'Enable', 'aria-label': 'Enable output ' + o.id, onclick: () => setActive(o, true)})));
  }

  async function load() {
    try {
      MPP.syncRows(tbody, await api('GET', '/api/v1/outputs'), (o) => o.id, row);
    } catch (e) {
      // api() shows the banner or goes to the login page.
    }
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const body = {active: form.elements.active.checked};
    for (const f of FIELDS) {
      const v = form.elements[f].value.trim();
      body[f] = f === 'preset' || f === 'profile' ? v : (v === '' ? null : Number(v));
    }
    const id = form.elements.id.value;
    try {
      const o = id ? await api('PUT', '/api/v1/outputs/' + encodeURIComponent(id), body) : await api('POST', '/api/v1/outputs', body);
      say(status, (id ? 'Saved output ' : 'Added output ') + o.id + '.', true);
      edit(null);
      load();
    } catch (err) {
      if (err.status !== 401) {
        say(status, '');
        say(error, err.message, false);
      }
    }
  });
  cancel.addEventListener('click', () => edit(null));

  load();
})();
