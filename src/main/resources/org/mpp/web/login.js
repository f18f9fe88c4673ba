// The login page: POST /api/v1/login, then back to the page that sent us here (same origin only).
'use strict';

(() => {
  const form = document.getElementById('login-form');
  const error = document.getElementById('login-error');

  function next() {
    const n = new URLSearchParams(location.search).get('next');
    // Only a path of this site: never "//host" or "https://...".
    return n && n.startsWith('/') && !n.startsWith('//') && !n.startsWith('/\\') ? n : '/';
  }

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    MPP.say(error, '');
    const username = form.elements.username.value;
    const password = form.elements.password.value;
    if (!username || !password) {
      MPP.say(error, 'Give your login name and password.', false);
      return;
    }
    const button = form.querySelector('button[type=submit]');
    button.disabled = true;
    try {
      await MPP.api('POST', '/api/v1/login', {username, password});
      location.assign(next());
    } catch (e) {
      MPP.say(error, e.status === 401 ? 'Wrong login name or password.' : e.message, false);
      form.elements.password.select();
    } finally {
      button.disabled = false;
    }
  });
})();
