// Outcome messages in the corner. Each toast is one element (data-testid="toast") that stays
// long enough to read and can be dismissed.
import { h } from './dom.js';

const lifetimes = { success: 6000, info: 6000, error: 12000 };

/** Shows a message; kind is success, info or error. */
export function toast(message, kind = 'info') {
  const host = document.getElementById('toasts');
  if (!host) return;
  const close = h('button', { type: 'button', class: 'toast-close', attrs: { 'aria-label': 'Dismiss' } }, '×');
  const el = h('div', { class: ['toast', `toast-${kind}`], testid: 'toast', data: { kind }, attrs: { role: kind === 'error' ? 'alert' : 'status' } },
    h('span', { class: 'toast-text' }, message), close);
  const remove = () => el.remove();
  close.addEventListener('click', remove);
  host.appendChild(el);
  // Bound the pile: the oldest go first.
  while (host.children.length > 5) host.firstElementChild.remove();
  setTimeout(remove, lifetimes[kind] ?? 6000);
}
