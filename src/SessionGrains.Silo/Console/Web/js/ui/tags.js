// Status tags and other small labelled pills.
import { h } from './dom.js';

const statusLabels = { active: 'Active', terminated: 'Terminated', expired: 'Expired' };

/** The status tag: green Active, grey Terminated, amber Expired. */
export function statusTag(status) {
  return h('span', { class: ['tag', `tag-status-${status}`], testid: 'status-tag', data: { status } }, statusLabels[status] ?? status);
}

/** The "Current session" tag on the admin's own console session. */
export function currentSessionTag() {
  return h('span', { class: 'tag tag-current', testid: 'current-session-tag', title: 'The console session you are using now' }, 'Current session');
}

const deliveryLabels = { pending: 'Pending', delivered: 'Delivered', failed: 'Failed' };
const deliveryClasses = { pending: 'tag-status-expired', delivered: 'tag-outcome-success', failed: 'tag-outcome-denied' };

/** A back-channel logout delivery's status: pending (amber), delivered (green), failed (red). */
export function deliveryTag(status) {
  return h('span', { class: ['tag', deliveryClasses[status] ?? 'tag-neutral'], data: { status } }, deliveryLabels[status] ?? status);
}

/** A neutral tag (kind, role). */
export function neutralTag(text) {
  return h('span', { class: 'tag tag-neutral' }, text);
}

/** A time with its full form and ISO text on hover. */
export function timeCell(iso, text) {
  if (!iso) return null;
  return h('time', { dateTime: iso, title: `${new Date(iso).toString()}\n${iso}` }, text);
}
