// Sign-in: an API key is exchanged for a console session (an HttpOnly cookie the page never
// sees). The key itself is not stored anywhere in the browser.
import * as api from '../api.js';
import { h, replaceChildren } from '../ui/dom.js';

/** Renders the sign-in page into root; onSignedIn(consoleSession) once the key is accepted. */
export function renderSignIn(root, { notice, error, onSignedIn }) {
  const key = h('input', {
    type: 'password', id: 'signin-key', class: 'input', testid: 'signin-key', autocomplete: 'off',
    spellcheck: false, required: true, placeholder: 'sgk.…', attrs: { 'aria-describedby': 'signin-help' },
  });
  const submit = h('button', { type: 'submit', class: 'btn btn-primary btn-block', testid: 'signin-submit' }, 'Sign in');
  const errorBox = h('p', { class: 'callout callout-danger', testid: 'signin-error', attrs: { role: 'alert' }, hidden: !error }, error ?? '');

  const form = h('form', { class: 'signin-form', testid: 'signin-form', noValidate: true },
    h('div', { class: 'field' },
      h('label', { htmlFor: 'signin-key' }, 'API key'),
      key,
      h('span', { class: 'hint', id: 'signin-help' }, 'A tenant-admin, microtenant-admin or auditor key of your tenant.')),
    errorBox,
    submit);

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const value = key.value.trim();
    if (!value) {
      showError('Enter your API key.');
      key.focus();
      return;
    }
    submit.disabled = true;
    submit.setAttribute('aria-busy', 'true');
    submit.textContent = 'Signing in…';
    try {
      const me = await api.post('/api/v1/console/session', {}, {
        headers: { Authorization: `Bearer ${value}` }, expectUnauthorized: true,
      });
      key.value = '';
      onSignedIn(me);
    } catch (e) {
      showError(messageFor(e));
      submit.disabled = false;
      submit.removeAttribute('aria-busy');
      submit.textContent = 'Sign in';
      key.select();
    }
  });

  function showError(text) {
    errorBox.textContent = text;
    errorBox.hidden = false;
  }

  replaceChildren(root, h('div', { class: 'signin' },
    h('div', { class: 'signin-card card' },
      h('div', { class: 'signin-brand' },
        h('span', { class: 'brand-mark', attrs: { 'aria-hidden': 'true' } }, 'SG'),
        h('div', null, h('h1', null, 'SessionGrains Console'), h('p', { class: 'muted' }, 'See and end the sessions of your tenant.'))),
      notice ? h('p', { class: 'callout callout-info', testid: 'signin-notice', attrs: { role: 'status' } }, notice) : null,
      form),
    h('p', { class: 'signin-foot muted' }, 'The key is exchanged for a console session; it is not kept in this browser.')));
  key.focus();
}

function messageFor(error) {
  if (error instanceof api.ApiError) {
    if (error.status === 401) return "That API key isn't valid. Check it and try again.";
    if (error.status === 403 && error.code !== 'user_denylisted') {
      return "This key can't open the console. Use a tenant-admin, microtenant-admin or auditor key of your tenant.";
    }
  }
  return api.plainMessage(error);
}
