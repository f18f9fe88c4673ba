// A job's page: its state (polled every 2 s until it is finished), steering, the source's media info, the
// renditions and delivered files, and a player for its HLS package (bundled hls.js) with a rendition picker and a
// strip of thumbnail previews (the package's thumbnails.vtt) that seek on click.
'use strict';

(() => {
  const {api, el, say} = MPP;
  const id = decodeURIComponent(location.pathname.split('/')[2] || '');
  const path = '/api/v1/jobs/' + encodeURIComponent(id);
  const errorBox = document.getElementById('job-error');
  const actionStatus = document.getElementById('action-status');
  const video = document.getElementById('player');
  const picker = document.getElementById('rendition');
  const level = document.getElementById('level');
  const playerError = document.getElementById('player-error');
  // Read by the browser tests: every fatal player error, in order.
  window.mppPlayer = {errors: [], hls: null};
  let last = '';
  let playerReady = false;
  // The thumbnails of thumbnails.vtt: {start, src, x, y, w, h}, in time order.
  let previewTiles = [];

  function facts(dl, pairs) {
    dl.replaceChildren(...pairs.filter(([, v]) => v !== null && v !== undefined && v !== '')
      .flatMap(([k, v]) => [el('dt', {text: k}), el('dd', {}, v)]));
  }

  async function act(what, request) {
    try {
      await request();
      say(actionStatus, what + ': done.', true);
      refresh.now();
    } catch (e) {
      if (e.status !== 401) {
        say(actionStatus, what + ' failed: ' + e.message, false);
      }
    }
  }

  function actions(job) {
    const done = job.status.name === 'complete' || job.status.name === 'failed';
    const out = [];
    if (!done) {
      out.push(job.paused
        ? el('button', {type: 'button', name: 'resume', text: 'Resume', onclick: () => act('Resume', () => api('POST', path + '/resume'))})
        : el('button', {type: 'button', name: 'pause', text: 'Pause', onclick: () => act('Pause', () => api('POST', path + '/pause'))}));
    }
    if (job.status.name === 'failed') {
      out.push(el('button', {type: 'button', name: 'retry', text: 'Retry', onclick: () => act('Retry', () => api('POST', path + '/retry'))}));
    }
    out.push(el('button', {type: 'button', name: 'delete', text: 'Delete', class: 'danger', onclick: async () => {
      if (confirm('Delete job ' + job.id + ' (' + job.sourceName + ') and its files?')) {
        try {
          await api('DELETE', path);
          location.assign('/');
        } catch (e) {
          say(actionStatus, 'Delete failed: ' + e.message, false);
        }
      }
    }}));
    return out;
  }

  function show(job) {
    document.title = job.sourceName + ' · MPP';
    document.getElementById('title').textContent = job.sourceName;
    const eta = job.etaSeconds === null || job.etaSeconds === undefined ? '' : ' · ' + MPP.duration(job.etaSeconds) + ' left';
    facts(document.getElementById('state'), [
      ['Job', job.id + (job.uuid ? ' (' + job.uuid + ')' : '')],
      ['Status', el('span', {class: 'badge ' + job.status.name + (job.paused ? ' paused' : ''),
        text: job.status.name + (job.paused ? ' (paused)' : '')})],
      ['Progress', [el('progress', {max: 1, value: job.progress, 'aria-label': 'Progress'}),
        el('span', {class: 'pct', text: ' ' + Math.round(job.progress * 100) + ' %' + eta})]],
      ['Priority', String(job.priority)],
      ['Failure', job.failureReason],
      ['Added', MPP.time(job.dateAdded)],
      ['Completed', MPP.time(job.dateCompleted)]]);
    const focused = document.activeElement && document.activeElement.name;
    const bar = document.getElementById('actions');
    bar.replaceChildren(...actions(job));
    if (focused && bar.querySelector('[name="' + focused + '"]')) {
      bar.querySelector('[name="' + focused + '"]').focus();
    }
    const m = job.media;
    if (m) {
      facts(document.getElementById('media'), [
        ['Container', m.container],
        ['Duration', MPP.duration(m.durationSeconds)],
        ['Size', MPP.bytes(m.sizeBytes)],
        ['Video', m.videoCodec ? m.videoCodec + ', ' + m.width + '×' + m.height + ', ' + m.frameRate + ' fps'
          + (m.variableFrameRate ? ' (variable)' : '') : 'none'],
        ['Audio', m.audioCodec ? m.audioCodec + ', ' + m.audioChannels + ' ch, ' + m.audioSampleRate + ' Hz' : 'none']]);
    }
    MPP.syncRows(document.querySelector('#renditions tbody'), job.renditions, (r) => r.name, (r) => el('tr', {},
      el('td', {'data-label': 'Height', text: r.height + 'p'}),
      el('td', {'data-label': 'Frame rate', text: r.frameRate + ' fps'}),
      el('td', {'data-label': 'Size', text: MPP.bytes(r.size)}),
      el('td', {'data-label': 'File', class: 'name'}, el('a', {href: r.url, download: r.name, text: r.name}))));
    const files = document.getElementById('files');
    files.replaceChildren(...job.files.map((f) => el('li', {},
      el('a', {href: f.url, download: f.name.split('/').pop(), text: f.name}), el('span', {class: 'size', text: ' ' + MPP.bytes(f.size)}))));
    document.getElementById('files-summary').textContent = job.files.length + ' files';
    if (job.stream && job.stream.hls && !playerReady) {
      playerReady = true;
      play(job.stream);
    }
  }

  function playerFailed(message) {
    window.mppPlayer.errors.push(message);
    say(playerError, 'Playback failed: ' + message, false);
  }

  function play(stream) {
    document.getElementById('player-section').hidden = false;
    if (stream.poster) {
      video.poster = stream.poster;
    }
    if (window.Hls && Hls.isSupported()) {
      const hls = new Hls({capLevelToPlayerSize: false});
      window.mppPlayer.hls = hls;
      hls.on(Hls.Events.MANIFEST_PARSED, () => {
        picker.replaceChildren(el('option', {value: '-1', text: 'auto'}),
          ...hls.levels.map((l, i) => el('option', {value: String(i), text: l.height + 'p' + (l.bitrate ? ' · ' + Math.round(l.bitrate / 1000) + ' kbit/s' : '')})));
      });
      hls.on(Hls.Events.LEVEL_SWITCHED, (e, data) => {
        const l = hls.levels[data.level];
        level.textContent = l ? 'Playing ' + l.height + 'p' + (hls.autoLevelEnabled ? ' (auto)' : '') : '';
      });
      hls.on(Hls.Events.ERROR, (e, data) => {
        if (data.fatal) {
          playerFailed(data.type + ' ' + data.details + (data.response ? ' (HTTP ' + data.response.code + ')' : ''));
        }
      });
      picker.addEventListener('change', () => {
        hls.currentLevel = Number.parseInt(picker.value, 10);
      });
      hls.loadSource(stream.hls);
      hls.attachMedia(video);
    } else if (video.canPlayType('application/vnd.apple.mpegurl')) {
      video.src = stream.hls;
      picker.disabled = true;
    } else {
      playerFailed('this browser cannot play HLS');
    }
    scrubber();
    video.addEventListener('error', () => playerFailed('the video element failed (' + (video.error ? video.error.message || video.error.code : '?') + ')'));
    if (stream.thumbnails) {
      thumbnails(stream.thumbnails);
    }
  }

  /** Parses "HH:MM:SS.mmm" or "MM:SS.mmm" into seconds. */
  function seconds(text) {
    return text.split(':').reduce((sum, part) => sum * 60 + Number.parseFloat(part), 0);
  }

  /**
   * The seek bar under the player: a range input (keyboard: arrows, Home, End) that follows playback and seeks; while
   * the pointer is over it, the thumbnail of the time under the pointer shows above it.
   */
  function scrubber() {
    const seek = document.getElementById('seek');
    const preview = document.getElementById('scrub-preview');
    const tile = preview.querySelector('.tile');
    const at = preview.querySelector('.at');
    let dragging = false;
    const sync = () => {
      if (Number.isFinite(video.duration)) {
        seek.max = String(video.duration);
      }
      if (!dragging) {
        seek.value = String(video.currentTime);
      }
      seek.setAttribute('aria-valuetext', MPP.duration(video.currentTime) + ' of ' + MPP.duration(video.duration || 0));
    };
    video.addEventListener('timeupdate', sync);
    video.addEventListener('durationchange', sync);
    seek.addEventListener('input', () => {
      dragging = true;
      video.currentTime = Number.parseFloat(seek.value);
    });
    seek.addEventListener('change', () => {
      dragging = false;
    });
    seek.addEventListener('pointermove', (e) => {
      const box = seek.getBoundingClientRect();
      const duration = video.duration;
      const tiles = previewTiles;
      if (!tiles.length || !Number.isFinite(duration) || box.width <= 0) {
        return;
      }
      const fraction = Math.min(1, Math.max(0, (e.clientX - box.left) / box.width));
      const t = fraction * duration;
      let found = tiles[0];
      for (const candidate of tiles) {
        if (candidate.start <= t) {
          found = candidate;
        }
      }
      tile.style.backgroundImage = 'url("' + found.src.replace(/["\\]/g, '\\$&') + '")';
      tile.style.backgroundPosition = (-found.x) + 'px ' + (-found.y) + 'px';
      tile.style.width = found.w + 'px';
      tile.style.height = found.h + 'px';
      at.textContent = MPP.duration(t);
      preview.hidden = false;
      const left = Math.min(Math.max(0, e.clientX - box.left - found.w / 2), Math.max(0, box.width - found.w));
      preview.style.left = left + 'px';
      preview.dataset.time = String(Math.round(t * 10) / 10);
    });
    seek.addEventListener('pointerleave', () => {
      preview.hidden = true;
    });
  }

  async function thumbnails(url) {
    const strip = document.getElementById('thumbnails');
    let text;
    try {
      const r = await fetch(url, {credentials: 'same-origin'});
      if (!r.ok) {
        return;
      }
      text = await r.text();
    } catch (e) {
      return;
    }
    const base = new URL(url, location.href);
    const tiles = [];
    for (const block of text.split(/\r?\n\r?\n/)) {
      const lines = block.split(/\r?\n/);
      const timing = lines.findIndex((l) => l.includes('-->'));
      if (timing < 0 || !lines[timing + 1]) {
        continue;
      }
      const start = seconds(lines[timing].split('-->')[0].trim());
      const [file, frag] = lines[timing + 1].trim().split('#xywh=');
      const [x, y, w, h] = (frag || '0,0,160,90').split(',').map(Number);
      tiles.push({start, src: new URL(file, base).href, x, y, w, h});
    }
    previewTiles = tiles;
    strip.replaceChildren(...tiles.map((t) => {
      const pic = el('span', {class: 'tile'});
      pic.style.backgroundImage = 'url("' + t.src.replace(/["\\]/g, '\\$&') + '")';
      pic.style.backgroundPosition = (-t.x) + 'px ' + (-t.y) + 'px';
      pic.style.width = t.w + 'px';
      pic.style.height = t.h + 'px';
      return el('button', {type: 'button', class: 'thumb', name: 'seek-' + Math.round(t.start), 'aria-label': 'Play from ' + MPP.duration(t.start),
        onclick: () => {
          video.currentTime = t.start;
          video.play().catch(() => {});
        }}, pic, el('span', {class: 'at', text: MPP.duration(t.start)}));
    }));
  }

  const refresh = MPP.poll(async () => {
    let job;
    try {
      job = await api('GET', path);
    } catch (e) {
      if (e.status === 404) {
        say(errorBox, 'There is no job ' + id + ' (deleted?).', false);
        refresh.stop();
      }
      throw e;
    }
    say(errorBox, '');
    const sig = JSON.stringify(job);
    if (sig !== last) {
      last = sig;
      show(job);
    }
  }, 2000);
})();
