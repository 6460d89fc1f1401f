// Session details: every field of GET …/sessions/{id}, the device, the claims, and the user's
// other sessions, with the actions the role allows.
import * as api from '../api.js';
import { denylistUser, logoutUser, terminateSession, undenylistUser } from '../actions.js';
import { hashFor, navigate } from '../route.js';
import { button, h, none, replaceChildren } from '../ui/dom.js';
import { dateTime, duration, endReason, expiresIn, number, relative, shortDateTime, shortUserAgent } from '../ui/format.js';
import { currentSessionTag, deliveryTag, neutralTag, statusTag, timeCell } from '../ui/tags.js';

const userSessionsPageSize = 50;

function when(iso, { future = false } = {}) {
  if (!iso) return null;
  return h('span', null,
    h('time', { dateTime: iso, title: iso }, dateTime(iso)),
    h('span', { class: 'muted' }, ` · ${future ? expiresIn(iso) || relative(iso) : relative(iso)}`));
}

/** How the session's logout token is being delivered to its client: status, attempts, last error. */
function backchannelLogout(s) {
  const b = s.backchannelLogout;
  if (!b) return null;
  const attempts = `${number(b.attempts)} ${b.attempts === 1 ? 'attempt' : 'attempts'}`;
  return h('span', null,
    deliveryTag(b.status),
    h('span', { class: 'muted' }, ` · ${attempts}`),
    b.lastAttemptAt ? h('span', { class: 'muted' }, ` · last ${relative(b.lastAttemptAt)}`) : null,
    b.lastError ? h('span', { class: 'muted small block' }, `Last error: ${b.lastError}`) : null);
}

/** The groups of fields shown, each [data-field, label, render(session)]. */
const groups = [
  ['Session', [
    ['sessionId', 'Session ID', (s) => h('span', { class: 'mono' }, s.sessionId)],
    ['status', 'Status', (s) => statusTag(s.status)],
    ['endReason', 'End reason', (s) => (s.endReason ? h('span', null, endReason(s.endReason), h('span', { class: 'muted mono small' }, ` (${s.endReason})`)) : null)],
    ['sessionName', 'Session name', (s) => s.sessionName],
    ['kind', 'Kind', (s) => neutralTag(s.kind)],
    ['apiKeyName', 'API key name', (s) => s.apiKeyName],
    ['microtenantId', 'Microtenant', (s) => s.microtenantId],
  ]],
  ['User', [
    ['userId', 'User ID', (s) => h('span', { class: 'mono' }, s.userId)],
    ['userEmail', 'Email', (s) => s.userEmail],
    ['identityProvider', 'Identity provider', (s) => s.identityProvider],
  ]],
  ['Client and network', [
    ['clientId', 'Client', (s) => s.clientId],
    ['clientType', 'Client type', (s) => s.clientType],
    ['ipAddress', 'IP address', (s) => h('span', { class: 'mono' }, s.ipAddress)],
    ['backchannelLogout', 'Back-channel logout', backchannelLogout],
    ['userAgent', 'User agent', (s) => (s.userAgent ? h('span', null, h('span', { class: 'ua-full' }, s.userAgent), h('span', { class: 'muted small block' }, shortUserAgent(s.userAgent))) : null)],
  ]],
  ['Timing', [
    ['createdAt', 'Created', (s) => when(s.createdAt)],
    ['lastActivity', 'Last activity', (s) => when(s.lastActivity)],
    ['expiresAt', 'Expires', (s) => (s.expiresAt ? when(s.expiresAt, { future: true }) : s.status === 'active' ? 'Never (no absolute lifetime)' : null)],
    ['idleExpiresAt', 'Idle expiry', (s) => when(s.idleExpiresAt, { future: true })],
    ['endedAt', 'Ended', (s) => when(s.endedAt)],
    ['durationSeconds', 'Duration', (s) => `${duration(s.durationSeconds)} (${number(s.durationSeconds)} s)`],
    ['refreshCount', 'Refresh count', (s) => number(s.refreshCount ?? 0)],
    ['lastRefreshAt', 'Last refresh', (s) => when(s.lastRefreshAt)],
  ]],
  ['Device', [
    ['device.deviceId', 'Device ID', (s) => s.device?.deviceId],
    ['device.hostname', 'Hostname', (s) => s.device?.hostname],
    ['device.os', 'Operating system', (s) => s.device?.os],
  ]],
];

/** Mounts the details page of the session in route.segments[1]. */
export function mount(ctx, route) {
  const el = h('div', { class: 'details-page' });
  let controller = null;
  let sessionId = route.segments[1];

  const back = () => h('a', { class: 'btn btn-small btn-ghost', testid: 'back-to-sessions', href: ctx.lastSessionsHash }, '‹ Back to sessions');

  async function load() {
    controller?.abort();
    controller = new AbortController();
    const { signal } = controller;
    replaceChildren(el, h('div', { class: 'page-head' }, h('div', null, back())),
      h('div', { class: 'card state', testid: 'table-loading' }, h('span', { class: 'spinner spinner-small' }), ' Loading the session…'));
    let session;
    try {
      session = await api.get(api.tenantPath(ctx.tenantId, 'sessions', sessionId), undefined, { signal });
    } catch (error) {
      if (error?.name === 'AbortError' || error instanceof api.SignedOutError) return;
      const notFound = error instanceof api.ApiError && error.code === 'session_not_found';
      replaceChildren(el, h('div', { class: 'page-head' }, h('div', null, back())),
        h('div', { class: 'card state state-error', testid: 'details-error', attrs: { role: 'alert' } },
          h('strong', null, notFound ? 'This session does not exist.' : 'The session could not be loaded.'),
          h('p', null, notFound ? 'It may have been purged after the retention period, or it belongs to another microtenant.' : api.plainMessage(error)),
          notFound ? null : h('div', { class: 'state-actions' }, button('Try again', { class: 'btn-small', on: { click: () => load() } }))));
      return;
    }
    if (signal.aborted) return;
    render(session, signal);
    loadUserSessions(session, signal);
  }

  const userSessionsHost = h('section', { class: 'card' });

  function render(s, signal) {
    const own = s.sessionId === ctx.me.sessionId;
    const denylistTagSlot = h('span');
    const actions = [];
    if (ctx.can('terminate') && s.status === 'active') {
      actions.push(button('End session', {
        class: 'btn-danger', testid: 'details-terminate',
        on: { click: async () => { if (await terminateSession(ctx, s)) load(); } },
      }));
    }
    if (ctx.can('userLogout')) {
      actions.push(button('Log out everywhere', {
        class: 'btn-danger-outline', testid: 'user-logout', title: `End every live session of ${s.userId}`,
        on: { click: async () => { if (await logoutUser(ctx, s.userId)) load(); } },
      }));
    }
    // The denylist buttons wait for the lookup, so only the one that applies is shown.
    const denylistSlot = h('span', { class: 'page-actions' });
    actions.push(denylistSlot);

    const head = h('div', { class: 'page-head' },
      h('div', null,
        back(),
        h('h1', { class: 'details-title' }, s.userEmail || s.userId, ' ', statusTag(s.status), own ? currentSessionTag() : null, denylistTagSlot),
        h('p', { class: 'page-subtitle muted' },
          [s.sessionName, s.clientId, s.ipAddress].filter(Boolean).join(' · '))),
      h('div', { class: 'page-actions' }, actions));

    const cards = groups.map(([title, rows]) => h('section', { class: 'card details-card' },
      h('h2', { class: 'card-title' }, title),
      h('dl', { class: 'dl' }, rows.flatMap(([name, label, render]) => {
        const value = render(s);
        return [
          h('dt', null, label),
          h('dd', { data: { field: name } }, value === null || value === undefined || value === '' ? none() : value),
        ];
      }))));

    const claimsText = s.claims === null || s.claims === undefined ? '' : JSON.stringify(s.claims, null, 2);
    const claims = h('section', { class: 'card details-card details-claims' },
      h('h2', { class: 'card-title' }, 'Claims'),
      claimsText && claimsText !== '{}'
        ? h('pre', { class: 'code', testid: 'claims' }, claimsText)
        : h('pre', { class: 'code muted', testid: 'claims' }, claimsText || 'No claims'));

    replaceChildren(el, head,
      h('div', { class: 'details-grid', testid: 'session-details', data: { sessionId: s.sessionId } }, cards, claims),
      userSessionsHost);
    if (ctx.can('readDenylist')) showDenylistState(s, denylistSlot, denylistTagSlot, signal);
  }

  async function showDenylistState(s, slot, tagSlot, signal) {
    // The user's own entry: 404 user_not_denylisted when there is none; any other failure leaves it unknown.
    let found;
    try {
      found = { known: true, entry: await api.get(api.tenantPath(ctx.tenantId, 'users', s.userId, 'denylist'), null, { signal }) };
    } catch (error) {
      if (error?.name === 'AbortError' || error instanceof api.SignedOutError) return;
      found = error?.code === 'user_not_denylisted' ? { known: true, entry: null } : { known: false };
    }
    if (signal.aborted) return;
    if (found.entry) {
      tagSlot.replaceChildren(h('span', {
        class: 'tag tag-outcome-denied', testid: 'denylisted-tag',
        title: found.entry.reason ? `Denylisted: ${found.entry.reason}` : 'Denylisted',
      }, 'Denylisted'));
    }
    if (!ctx.can('denylistChange')) return;
    const add = button('Add to denylist…', {
      class: 'btn-danger-outline', testid: 'user-denylist', title: `End every session of ${s.userId} and refuse new sign-ins`,
      on: { click: async () => { if (await denylistUser(ctx, s.userId)) load(); } },
    });
    const remove = button('Remove from denylist', {
      class: 'btn-ghost', testid: 'user-undenylist', title: `Let ${s.userId} sign in again`,
      on: { click: async () => { if (await undenylistUser(ctx, s.userId)) load(); } },
    });
    // When the entry could not be read, both; the API says which one applies.
    replaceChildren(slot, !found.known ? [add, remove] : found.entry ? remove : add);
  }

  async function loadUserSessions(s, signal) {
    replaceChildren(userSessionsHost, h('h2', { class: 'card-title' }, `Other sessions of ${s.userId}`), h('p', { class: 'muted' }, 'Loading…'));
    let list;
    try {
      list = await api.get(api.tenantPath(ctx.tenantId, 'users', s.userId, 'sessions'), { pageSize: userSessionsPageSize, sort: '-createdAt' }, { signal });
    } catch (error) {
      if (error?.name === 'AbortError' || error instanceof api.SignedOutError) return;
      replaceChildren(userSessionsHost, h('h2', { class: 'card-title' }, `Other sessions of ${s.userId}`),
        h('p', { class: 'callout callout-danger' }, `The user's sessions could not be loaded: ${api.plainMessage(error)}`));
      return;
    }
    const others = list.items.filter((o) => o.sessionId !== s.sessionId);
    const otherTotal = Math.max(0, list.total - (list.items.length === others.length ? 0 : 1));
    const all = hashFor('/sessions', { userId: s.userId, mt: route.params.get('mt') });
    const rows = others.map((o) => {
      const link = hashFor(`/sessions/${encodeURIComponent(o.sessionId)}`, { mt: route.params.get('mt') });
      const tr = h('tr', { class: 'session-row', data: { sessionId: o.sessionId } },
        h('td', null, h('a', { href: link }, o.sessionName || o.sessionId), o.sessionId === ctx.me.sessionId ? currentSessionTag() : null),
        h('td', null, o.clientId),
        h('td', null, h('span', { class: 'mono' }, o.ipAddress)),
        h('td', null, o.userAgent ? h('span', { title: o.userAgent }, shortUserAgent(o.userAgent)) : none()),
        h('td', null, statusTag(o.status)),
        h('td', null, timeCell(o.createdAt, shortDateTime(o.createdAt))),
        h('td', null, timeCell(o.lastActivity, relative(o.lastActivity)) ?? none()),
        h('td', { class: 'num' }, duration(o.durationSeconds)));
      tr.addEventListener('click', (e) => { if (!e.target.closest('a, button')) navigate(link); });
      return tr;
    });
    replaceChildren(userSessionsHost,
      h('div', { class: 'card-head' },
        h('h2', { class: 'card-title' }, `Other sessions of ${s.userId}`),
        h('span', { class: 'muted num' }, `${number(otherTotal)} ${otherTotal === 1 ? 'session' : 'sessions'}`),
        h('a', { href: all, class: 'btn btn-small btn-ghost' }, 'Open in the session table')),
      others.length
        ? h('div', { class: 'table-wrap' }, h('table', { class: 'table', testid: 'user-sessions' },
          h('thead', null, h('tr', null, ['Session', 'Client', 'IP address', 'User agent', 'Status', 'Created', 'Last activity', 'Duration']
            .map((t, i) => h('th', { scope: 'col', class: i === 7 ? 'num' : null }, t)))),
          h('tbody', null, rows)))
        : h('div', { class: 'state', testid: 'user-sessions' }, h('p', { class: 'muted' }, 'This user has no other sessions.')),
      list.total > userSessionsPageSize ? h('p', { class: 'muted small' }, `Showing the newest ${userSessionsPageSize}.`) : null);
  }

  load();

  return {
    el,
    update(next) {
      if (next.segments[1] !== sessionId) {
        sessionId = next.segments[1];
        load();
      }
    },
    destroy() { controller?.abort(); },
  };
}
