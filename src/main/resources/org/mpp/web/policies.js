// The policies page: a switch for each boolean policy, a number field for each whole-number one; saving sends the
// changed ones (PUT /api/v1/policies) and shows what the API said.
'use strict';

(() => {
  const {api, el, say} = MPP;
  const form = document.getElementById('policies-form');
  const box = document.getElementById('policies');
  const status = document.getElementById('policies-status');
  const HELP = {
    ingestEnabled: 'Nodes claim new jobs (probe and cut into segments).',
    transcodeEnabled: 'Nodes encode segments.',
    exportEnabled: 'Nodes join renditions, package and deliver them.',
    terminateAll: 'Every node finishes its current tasks and exits.',
    nodeTimeout: 'Seconds of silence after which a node is purged.',
    verifyDuringIngest: 'Read every packet and decode the audio at ingest; conceal-free decode while transcoding.',
    failureTolerance: 'Failures of a task before its job fails.'
  };
  const INTEGERS = new Set(['nodeTimeout', 'failureTolerance']);
  let saved = {};

  function render(policies) {
    saved = policies;
    box.replaceChildren(...Object.entries(policies).map(([name, value]) => {
      const help = el('small', {id: name + '-help', class: 'hint', text: HELP[name] || ''});
      if (INTEGERS.has(name)) {
        return el('p', {class: 'field'}, el('label', {for: name, text: name}),
          el('input', {id: name, name, type: 'number', min: 1, step: 1, value: value, class: 'small', 'aria-describedby': help.id}), help);
      }
      return el('p', {class: 'check'}, el('input', {id: name, name, type: 'checkbox', role: 'switch',
        checked: value === '1' || value === 'true', 'aria-describedby': help.id}), el('label', {for: name, text: name}), help);
    }));
  }

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const changed = {};
    for (const [name, old] of Object.entries(saved)) {
      const input = form.elements[name];
      const value = INTEGERS.has(name) ? input.value.trim() : (input.checked ? '1' : '0');
      const was = INTEGERS.has(name) ? old : (old === '1' || old === 'true' ? '1' : '0');
      if (value !== was) {
        changed[name] = INTEGERS.has(name) && /^\d+$/.test(value) ? Number(value) : value;
      }
    }
    if (!Object.keys(changed).length) {
      say(status, 'Nothing changed.', true);
      return;
    }
    try {
      render(await api('PUT', '/api/v1/policies', changed));
      say(status, 'Saved: ' + Object.keys(changed).join(', ') + '.', true);
    } catch (err) {
      if (err.status !== 401) {
        say(status, 'Not saved: ' + err.message, false);
      }
    }
  });

  api('GET', '/api/v1/policies').then(render).catch(() => {});
})();
