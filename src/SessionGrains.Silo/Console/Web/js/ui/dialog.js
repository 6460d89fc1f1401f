// Modal dialogs on <dialog>. Each call builds a fresh dialog, resolves once it closes and removes
// it, so there is never stale state from an earlier confirmation.
import { h, uid } from './dom.js';

/**
 * Opens a dialog and resolves with the field values (OK) or null (cancel, Escape).
 * options: title, message (string or node), warning {text, testid}, fields [{name, label,
 * testid, type: 'text'|'textarea', maxLength, required, placeholder, value, hint}],
 * requireText (the exact text the user must type into the first field before OK is allowed),
 * okLabel, danger, testid, messageTestId, okTestId, cancelTestId, validate(values) → error
 * text or null, action(values) → Promise (runs with the dialog open; a thrown error is shown
 * in the dialog and keeps it open).
 */
export function openDialog(options) {
  const {
    title, message, warning, fields = [], requireText, okLabel = 'Confirm', danger = false,
    testid = 'confirm-dialog', messageTestId = 'confirm-message', okTestId = 'confirm-ok',
    cancelTestId = 'confirm-cancel', validate, action,
  } = options;

  return new Promise((resolve) => {
    const titleId = uid('dlg-title');
    const inputs = fields.map((f) => {
      const control = f.type === 'textarea'
        ? h('textarea', { rows: 3, maxLength: f.maxLength ?? 500, placeholder: f.placeholder ?? '', value: f.value ?? '' })
        : h('input', {
          type: 'text', maxLength: f.maxLength ?? 256, placeholder: f.placeholder ?? '', value: f.value ?? '',
          autocomplete: 'off', spellcheck: false,
        });
      control.id = uid('dlg-field');
      if (f.testid) control.dataset.testid = f.testid;
      control.name = f.name;
      if (f.required) control.required = true;
      return { spec: f, control };
    });
    const error = h('p', { class: 'dialog-error', attrs: { role: 'alert' }, hidden: true });
    const ok = h('button', { type: 'submit', class: ['btn', danger ? 'btn-danger' : 'btn-primary'], testid: okTestId }, okLabel);
    const cancel = h('button', { type: 'button', class: 'btn', testid: cancelTestId }, 'Cancel');

    const values = () => Object.fromEntries(inputs.map(({ spec, control }) => [spec.name, control.value.trim()]));
    const refreshOk = () => {
      if (requireText !== undefined && inputs.length) ok.disabled = inputs[0].control.value.trim() !== requireText;
    };

    const form = h('form', { method: 'dialog', class: 'dialog-form', noValidate: true },
      h('h2', { class: 'dialog-title', id: titleId }, title),
      message ? h('div', { class: 'dialog-message', testid: messageTestId }, message) : null,
      warning ? h('div', { class: 'callout callout-danger', testid: warning.testid, attrs: { role: 'note' } }, warning.text) : null,
      inputs.map(({ spec, control }) => h('div', { class: 'field' },
        h('label', { htmlFor: control.id }, spec.label),
        control,
        spec.hint ? h('span', { class: 'hint' }, spec.hint) : null)),
      error,
      h('div', { class: 'dialog-actions' }, cancel, ok));

    const dialog = h('dialog', { class: 'dialog', testid, attrs: { 'aria-labelledby': titleId } }, form);
    let result = null;
    let busy = false;

    inputs.forEach(({ control }) => control.addEventListener('input', () => { error.hidden = true; refreshOk(); }));
    cancel.addEventListener('click', () => { if (!busy) dialog.close(); });
    dialog.addEventListener('cancel', (event) => { if (busy) event.preventDefault(); });
    form.addEventListener('submit', async (event) => {
      event.preventDefault();
      if (busy || ok.disabled) return;
      const v = values();
      const missing = inputs.find(({ spec, control }) => spec.required && !control.value.trim());
      const problem = missing ? `Enter ${missing.spec.label.toLowerCase()}.` : validate?.(v);
      if (problem) {
        error.textContent = problem;
        error.hidden = false;
        return;
      }
      if (action) {
        busy = true;
        ok.disabled = true;
        cancel.disabled = true;
        ok.setAttribute('aria-busy', 'true');
        try {
          await action(v);
        } catch (e) {
          busy = false;
          ok.disabled = false;
          cancel.disabled = false;
          ok.removeAttribute('aria-busy');
          error.textContent = e?.message || 'Something went wrong.';
          error.hidden = false;
          return;
        }
      }
      result = v;
      busy = false;
      dialog.close();
    });
    dialog.addEventListener('close', () => {
      dialog.remove();
      resolve(result);
    });

    document.body.appendChild(dialog);
    refreshOk();
    dialog.showModal();
    (inputs[0]?.control ?? (danger ? cancel : ok)).focus();
  });
}

/** A yes/no confirmation; resolves true on OK. */
export async function confirm(options) {
  return (await openDialog(options)) !== null;
}
