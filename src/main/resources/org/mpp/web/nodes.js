// The nodes page: every node's roles, current task and last heartbeat (polled every 2 s), and authorise /
// deauthorise / terminate.
'use strict';

(() => {
  const {api, el, say} = MPP;
  const tbody = document.querySelector('#nodes tbody');
  const status = document.getElementById('nodes-status');
  const empty = document.getElementById('nodes-empty');

  /** Seconds since lastSeen (the database's UTC clock, without a zone); null when unknown. */
  function age(utc) {
    const t = Date.parse(utc + 'Z');
    return Number.isNaN(t) ? null : Math.max(0, Math.round((Date.now() - t) / 1000));
  }

  function ago(utc) {
    const s = age(utc);
    return s === null ? (utc || '') : s < 90 ? s + ' s ago' : MPP.duration(s) + ' ago';
  }

  function button(node, action, label, danger) {
    return el('button', {type: 'button', name: action + '-' + node.id, class: danger ? 'danger' : null, text: label,
      'aria-label': label + ' node ' + node.id + ' (' + node.hostname + ')', onclick: async () => {
        if (danger && !confirm(label + ' node ' + node.id + ' (' + node.hostname + ')? It finishes its current tasks and exits.')) {
          return;
        }
        try {
          await api('POST', '/api/v1/nodes/' + encodeURIComponent(node.id) + '/' + action);
          say(status, label + ': node ' + node.id + ' done.', true);
          refresh.now();
        } catch (e) {
          if (e.status !== 401) {
            say(status, label + ' node ' + node.id + ' failed: ' + e.message, false);
          }
        }
      }});
  }

  function row(n) {
    // Silent: no heartbeat for 30 s (the nodeTimeout policy's default; such a node is purged after nodeTimeout).
    const silent = age(n.lastSeen) !== null && age(n.lastSeen) > 30;
    const state = [n.authorised ? 'authorised' : 'not authorised'];
    if (silent) {
      state.push('silent');
    }
    if (n.terminate) {
      state.push('terminating');
    }
    return el('tr', {id: 'node-' + n.id, class: silent ? 'silent' : ''},
      el('td', {'data-label': 'Node', text: n.id + ' · ' + n.version}),
      el('td', {'data-label': 'Host', class: 'name', text: n.hostname}),
      el('td', {'data-label': 'Roles', text: n.roles}),
      el('td', {'data-label': 'Current task'}, n.job ? el('a', {href: '/jobs/' + encodeURIComponent(n.job), text: 'job ' + n.job.slice(0, 8)}) : (n.active ? 'busy' : 'idle')),
      el('td', {'data-label': 'Last heartbeat', title: n.lastSeen + ' UTC', text: ago(n.lastSeen)}),
      el('td', {'data-label': 'State', text: state.join(', ')}),
      el('td', {'data-label': 'Actions', class: 'actions'},
        n.authorised ? button(n, 'deauthorise', 'Deauthorise') : button(n, 'authorise', 'Authorise'),
        n.terminate ? null : button(n, 'terminate', 'Terminate', true)));
  }

  const refresh = MPP.poll(async () => {
    const nodes = await api('GET', '/api/v1/nodes');
    // Each row carries its "ago" text, so rebuilt on each poll; focus is kept by name.
    MPP.syncRows(tbody, nodes.map((n) => Object.assign({}, n, {ago: ago(n.lastSeen)})), (n) => n.id, row);
    empty.hidden = nodes.length > 0;
  }, 2000);
})();
