// The dashboard's shared script: calls to the JSON API (CSRF header, 401 -> login page, lost connection banner),
// a DOM builder that only ever sets text (file names are user input: no HTML is ever parsed from data), formatting, and
// keyed table rows that keep keyboard focus across refreshes. Every page loads it before its own script.
'use strict';

const MPP = (() => {
  const CSRF_COOKIE = 'mpp_csrf';

  function cookie(name) {
    for (const part of document.cookie.split(';')) {
      const [k, ...v] = part.trim().split('=');
      if (k === name) {
        return decodeURIComponent(v.join('='));
      }
    }
    return '';
  }

  /** Builds an element: attrs are properties or attributes ("on..." functions become listeners); children are nodes or text. */
  function el(tag, attrs, ...children) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (v === null || v === undefined || v === false) {
        continue;
      }
      if (k.startsWith('on') && typeof v === 'function') {
        e.addEventListener(k.slice(2), v);
      } else if (k === 'class') {
        e.className = v;
      } else if (k === 'text') {
        e.textContent = v;
      } else if (k in e && typeof v !== 'string') {
        e[k] = v;
      } else {
        e.setAttribute(k, v === true ? '' : String(v));
      }
    }
    for (const c of children.flat()) {
      if (c !== null && c !== undefined && c !== false) {
        e.append(c instanceof Node ? c : document.createTextNode(String(c)));
      }
    }
    return e;
  }

  const banner = () => document.getElementById('connection');

  function connectionLost(why) {
    const b = banner();
    if (b) {
      b.textContent = 'Lost connection to the server (' + why + '). Retrying…';
      b.hidden = false;
    }
  }

  function connectionBack() {
    const b = banner();
    if (b && !b.hidden) {
      b.hidden = true;
      b.textContent = '';
    }
  }

  function toLogin() {
    const here = location.pathname + location.search;
    location.assign('/login' + (here === '/' ? '' : '?next=' + encodeURIComponent(here)));
  }

  /** An error the API answered: status, its "error" name and its human "detail". */
  class ApiError extends Error {
    constructor(status, error, detail) {
      super(detail || error || ('HTTP ' + status));
      this.status = status;
      this.error = error;
    }
  }

  /**
   * Calls the API. Resolves to the parsed JSON (null for 204); rejects with an ApiError. A 401 goes to the login page;
   * a network failure or a 502-504 from a proxy shows the connection banner until a later call gets through.
   */
  async function api(method, path, body) {
    const headers = {Accept: 'application/json'};
    if (method !== 'GET') {
      headers['X-CSRF-Token'] = cookie(CSRF_COOKIE);
    }
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
    }
    let r;
    try {
      r = await fetch(path, {method, headers, credentials: 'same-origin', cache: 'no-store',
        body: body === undefined ? undefined : JSON.stringify(body)});
    } catch (e) {
      connectionLost('no answer');
      throw new ApiError(0, 'network', 'The server did not answer');
    }
    if (r.status >= 502 && r.status <= 504) {
      connectionLost('HTTP ' + r.status);
      throw new ApiError(r.status, 'unavailable', 'The server is unavailable (HTTP ' + r.status + ')');
    }
    connectionBack();
    if (r.status === 401 && path !== '/api/v1/login') {
      toLogin();
      throw new ApiError(401, 'unauthorized', 'Not logged in');
    }
    const text = await r.text();
    let json = null;
    try {
      json = text ? JSON.parse(text) : null;
    } catch (e) {
      json = null;
    }
    if (!r.ok) {
      throw new ApiError(r.status, json && json.error, (json && json.detail) || ('HTTP ' + r.status));
    }
    return json;
  }

  /**
   * Calls fn now and then ms milliseconds after each call settles; errors are shown by api() and the next try goes on.
   * now() calls it at once (after the call in flight, if any): one chain of calls, never two.
   */
  function poll(fn, ms) {
    let timer = null;
    let stopped = false;
    let running = false;
    let again = false;
    const run = async () => {
      clearTimeout(timer);
      if (running) {
        again = true;
        return;
      }
      running = true;
      try {
        await fn();
      } catch (e) {
        if (!(e instanceof ApiError)) {
          console.error(e);
        }
      } finally {
        running = false;
      }
      if (stopped) {
        return;
      }
      if (again) {
        again = false;
        run();
      } else {
        timer = setTimeout(run, ms);
      }
    };
    run();
    return {stop() { stopped = true; clearTimeout(timer); }, now() { run(); }};
  }

  /**
   * Makes tbody's rows those of items, in order, each built by build(item) (a <tr>). A row whose item did not change is
   * left alone; a changed one is rebuilt, except while a field in it has focus (the operator is typing there); a rebuilt
   * row gets focus back on the control of the same name.
   */
  function syncRows(tbody, items, key, build) {
    const old = new Map();
    for (const tr of Array.from(tbody.rows)) {
      old.set(tr.dataset.key, tr);
    }
    let before = tbody.firstElementChild;
    for (const item of items) {
      const k = String(key(item));
      const sig = JSON.stringify(item);
      let tr = old.get(k);
      old.delete(k);
      if (!tr || tr.dataset.sig !== sig) {
        const focused = tr && tr.contains(document.activeElement) ? document.activeElement : null;
        if (!(focused && (focused.tagName === 'INPUT' || focused.tagName === 'SELECT'))) {
          const fresh = build(item);
          fresh.dataset.key = k;
          fresh.dataset.sig = sig;
          if (tr) {
            tr.replaceWith(fresh);
            if (before === tr) {
              before = fresh;
            }
          }
          tr = fresh;
          if (focused && focused.name) {
            const again = tr.querySelector('[name="' + CSS.escape(focused.name) + '"]');
            if (again) {
              again.focus();
            }
          }
        }
      }
      if (tr !== before) {
        tbody.insertBefore(tr, before);
      }
      before = tr.nextElementSibling;
    }
    for (const tr of old.values()) {
      tr.remove();
    }
  }

  function bytes(n) {
    if (n === null || n === undefined || n < 0) {
      return '';
    }
    const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let i = 0;
    while (n >= 1024 && i < units.length - 1) {
      n /= 1024;
      i++;
    }
    return (i === 0 ? n : n.toFixed(n < 10 ? 1 : 0)) + ' ' + units[i];
  }

  function duration(seconds) {
    if (seconds === null || seconds === undefined) {
      return '';
    }
    const s = Math.max(0, Math.round(seconds));
    const h = Math.floor(s / 3600);
    const m = Math.floor((s % 3600) / 60);
    const sec = String(s % 60).padStart(2, '0');
    return h > 0 ? h + ':' + String(m).padStart(2, '0') + ':' + sec : m + ':' + sec;
  }

  /** A local time the API gives without a zone, as this browser shows times. */
  function time(text) {
    return text ? new Date(text).toLocaleString() : '';
  }

  /** Shows a message in an element with role=status or role=alert; ok=false styles it as an error. */
  function say(target, message, ok) {
    target.textContent = message;
    target.classList.toggle('error', ok === false);
    target.classList.toggle('ok', ok === true);
    target.hidden = !message;
  }

  /** The header's "signed in as" and logout button (every page but the login page has them). */
  async function header() {
    const who = document.getElementById('who');
    const logout = document.getElementById('logout');
    if (logout) {
      logout.addEventListener('click', async () => {
        try {
          await api('POST', '/api/v1/logout');
        } finally {
          location.assign('/login');
        }
      });
    }
    if (who) {
      try {
        const me = await api('GET', '/api/v1/me');
        who.textContent = me.username ? 'Signed in as ' + me.username : 'API key';
      } catch (e) {
        // api() already went to the login page or showed the banner.
      }
    }
  }

  document.addEventListener('DOMContentLoaded', header);

  return {api, ApiError, el, poll, syncRows, bytes, duration, time, say, cookie, connectionLost, connectionBack, toLogin};
})();
