// The account page: change one's own password (POST /api/v1/password); the other sessions of the login end.
'use strict';

(() => {
  const {api, say} = MPP;
  const form = document.getElementById('password-form');
  const status = document.getElementById('password-status');

  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    const currentPassword = form.elements.currentPassword.value;
    const newPassword = form.elements.newPassword.value;
    if (newPassword !== form.elements.repeatPassword.value) {
      say(status, 'The new password and its repetition differ.', false);
      return;
    }
    try {
      await api('POST', '/api/v1/password', {currentPassword, newPassword});
      form.reset();
      say(status, 'Password changed. Your other sessions have ended.', true);
    } catch (err) {
      if (err.status !== 401) {
        say(status, 'Not changed: ' + err.message, false);
      }
    }
  });
})();
