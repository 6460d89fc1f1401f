// Rendering the session table: header with sort buttons, one row per session, the selection
// checkboxes and the row actions. The page owns the state; this only draws it.
import { consoleClientId } from '../api.js';
import { h, none } from '../ui/dom.js';
import { duration, endReason, expiresIn, relative, shortDateTime, shortUserAgent } from '../ui/format.js';
import { currentSessionTag, neutralTag, statusTag, timeCell } from '../ui/tags.js';
import { columns } from './sessions-state.js';

const cellRenderers = {
  user: (s, link) => {
    // A console session's user is the key that signed in: its name says more than its id.
    const console = s.clientId === consoleClientId && s.apiKeyName;
    const primary = console ? s.apiKeyName : s.userEmail || s.userId;
    const secondary = console ? `API key ${s.userId}` : s.userEmail ? s.userId : null;
    return h('div', { class: 'cell-user' },
      h('a', { href: link, class: 'row-link', title: secondary ? `${primary} (${secondary})` : primary }, primary),
      secondary ? h('span', { class: 'muted small' }, secondary) : null);
  },
  sessionName: (s) => s.sessionName || none(),
  ipAddress: (s) => h('span', { class: 'mono' }, s.ipAddress),
  userAgent: (s) => (s.userAgent ? h('span', { class: 'ua', title: s.userAgent }, shortUserAgent(s.userAgent)) : none()),
  clientId: (s) => s.clientId,
  kind: (s) => neutralTag(s.kind),
  apiKeyName: (s) => s.apiKeyName || none(),
  microtenantId: (s) => s.microtenantId || none(),
  status: (s) => statusTag(s.status),
  createdAt: (s) => timeCell(s.createdAt, shortDateTime(s.createdAt)),
  lastActivity: (s) => timeCell(s.lastActivity, relative(s.lastActivity)) ?? none(),
  expiresAt: (s) => {
    if (s.status !== 'active') return none(s.endedAt ? 'Ended' : '—');
    if (!s.expiresAt) return none('Never');
    return timeCell(s.expiresAt, expiresIn(s.expiresAt) || 'now');
  },
  duration: (s) => duration(s.durationSeconds),
  sessionId: (s) => h('span', { class: 'mono small' }, s.sessionId),
  clientType: (s) => s.clientType || none(),
  identityProvider: (s) => s.identityProvider || none(),
  endedAt: (s) => timeCell(s.endedAt, shortDateTime(s.endedAt)) ?? none(),
  endReason: (s) => (s.endReason ? h('span', { title: s.endReason }, endReason(s.endReason)) : none()),
};

/**
 * Redraws the table. opts: me, selectable, canTerminate, selected (Set of ids),
 * allMatching, linkFor(id), onSort(field), onToggleRow(id, on), onTogglePage(on),
 * onTerminate(session), onOpen(id).
 */
export function renderTable(table, state, items, opts) {
  const visible = columns.filter((c) => state.cols.includes(c.key));
  const [sortField, sortDir] = state.sort.startsWith('-') ? [state.sort.slice(1), 'descending'] : [state.sort, 'ascending'];

  const headCells = [];
  if (opts.selectable) {
    const allOnPage = items.length > 0 && items.every((s) => opts.allMatching || opts.selected.has(s.sessionId));
    const someOnPage = items.some((s) => opts.selected.has(s.sessionId));
    const box = h('input', {
      type: 'checkbox', testid: 'select-page', checked: allOnPage, disabled: items.length === 0,
      attrs: { 'aria-label': 'Select every session on this page' },
    });
    box.indeterminate = !allOnPage && someOnPage;
    box.addEventListener('change', () => opts.onTogglePage(box.checked));
    headCells.push(h('th', { class: 'col-select', scope: 'col' }, box));
  }
  for (const c of visible) {
    const classes = ['col', `col-${c.key}`, c.numeric ? 'num' : null];
    if (c.sort) {
      const dir = sortField === c.sort ? sortDir : 'none';
      const sortButton = h('button', {
        type: 'button', class: 'sort-button',
        title: `Sort by ${c.label.toLowerCase()}`,
        on: { click: () => opts.onSort(c.sort) },
      }, c.label, h('span', { class: 'sort-icon', attrs: { 'aria-hidden': 'true' } }));
      headCells.push(h('th', { class: [...classes, 'sortable', dir !== 'none' ? 'sorted' : null], scope: 'col', data: { sort: c.sort }, attrs: { 'aria-sort': dir } }, sortButton));
    } else {
      headCells.push(h('th', { class: classes, scope: 'col' }, c.label));
    }
  }
  if (opts.canTerminate) headCells.push(h('th', { class: 'col-actions', scope: 'col' }, h('span', { class: 'sr-only' }, 'Actions')));

  const rows = items.map((s) => {
    const own = s.sessionId === opts.me.sessionId;
    const link = opts.linkFor(s.sessionId);
    const cells = [];
    if (opts.selectable) {
      const box = h('input', {
        type: 'checkbox', testid: 'row-select', checked: opts.allMatching || opts.selected.has(s.sessionId),
        disabled: opts.allMatching, attrs: { 'aria-label': `Select session of ${s.userEmail || s.userId}` },
      });
      box.addEventListener('change', () => opts.onToggleRow(s.sessionId, box.checked));
      cells.push(h('td', { class: 'col-select' }, box));
    }
    visible.forEach((c, i) => {
      const td = h('td', { class: ['col', `col-${c.key}`, c.numeric ? 'num' : null], data: { column: c.key } }, cellRenderers[c.key](s, link));
      // The tag rides in the first visible column, so hiding a column never hides it.
      if (own && i === 0) td.appendChild(currentSessionTag());
      cells.push(td);
    });
    if (!visible.length && own) cells.push(h('td', null, currentSessionTag()));
    if (opts.canTerminate) {
      cells.push(h('td', { class: 'col-actions' },
        s.status === 'active'
          ? h('button', {
            type: 'button', class: 'btn btn-small btn-danger-ghost', testid: 'row-terminate',
            title: own ? 'End this session (your own console session)' : 'End this session',
            on: { click: (e) => { e.stopPropagation(); opts.onTerminate(s); } },
          }, 'End')
          : null));
    }
    const tr = h('tr', {
      class: ['session-row', own ? 'is-own' : null, s.status !== 'active' ? 'is-ended' : null, opts.selected.has(s.sessionId) || opts.allMatching ? 'is-selected' : null],
      testid: 'session-row', data: { sessionId: s.sessionId, status: s.status },
    }, cells);
    // A click anywhere on the row opens the details, except on its own controls.
    tr.addEventListener('click', (e) => {
      if (e.target.closest('a, button, input, label, select')) return;
      if (window.getSelection()?.toString()) return;
      opts.onOpen(s.sessionId);
    });
    return tr;
  });

  table.replaceChildren(h('thead', null, h('tr', null, headCells)), h('tbody', null, rows));
}
