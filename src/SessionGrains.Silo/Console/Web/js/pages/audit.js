// The audit log (GET …/audit): filters, paging by page then cursor, and the CSV download of
// every matching record (a same-origin link: the cookie authenticates the GET).
import * as api from '../api.js';
import { hashFor, navigate } from '../route.js';
import { button, field, h, none, replaceChildren, select } from '../ui/dom.js';
import { dateTime, fromLocalInput, number, relative, role, toLocalInput } from '../ui/format.js';

const actions = [
  'session.terminate', 'session.bulk_terminate', 'user.logout', 'user.denylist', 'user.undenylist',
  'tenant.logout_all', 'key.create', 'key.delete', 'policy.update', 'tenant.create', 'microtenant.create',
  'filter.save', 'filter.delete', 'console.sign_in', 'console.sign_out', 'access.denied',
];
const pageSizes = [10, 25, 50, 100, 500];
const defaultPageSize = 25;
const maxOffset = 10000;
const prevStoreKey = 'sg.auditCursorPrev';

function parse(params) {
  const pageSize = Number(params.get('pageSize'));
  const page = Number(params.get('page'));
  return {
    from: params.get('from') ?? '',
    to: params.get('to') ?? '',
    action: params.get('action') ?? '',
    actor: params.get('actor') ?? '',
    outcome: params.get('outcome') ?? '',
    pageSize: pageSizes.includes(pageSize) ? pageSize : defaultPageSize,
    page: Number.isInteger(page) && page > 0 ? page : 1,
    cursor: params.get('cursor') ?? '',
    mt: params.get('mt') ?? '',
  };
}

function toParams(s) {
  return {
    mt: s.mt, from: s.from, to: s.to, action: s.action, actor: s.actor, outcome: s.outcome,
    pageSize: s.pageSize === defaultPageSize ? '' : s.pageSize, page: s.page > 1 ? s.page : '', cursor: s.cursor,
  };
}

const filtersOf = (s) => ({ from: s.from, to: s.to, action: s.action, actor: s.actor, outcome: s.outcome });

function detailsText(details) {
  if (details === null || details === undefined) return '';
  if (typeof details !== 'object') return String(details);
  return Object.entries(details).map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : v}`).join(', ');
}

/** Mounts the audit page. */
export function mount(ctx, route) {
  let state = parse(route.params);
  let response = null;
  let controller = null;
  let loading = false;

  const go = (patch, { keepPage = false } = {}) => {
    const next = { ...state, ...patch };
    if (!keepPage) { next.page = 1; next.cursor = ''; }
    navigate(hashFor('/audit', toParams(next)));
  };

  const f = {
    from: h('input', { type: 'datetime-local', class: 'input', testid: 'audit-from' }),
    to: h('input', { type: 'datetime-local', class: 'input', testid: 'audit-to' }),
    action: select([['', 'Any action'], ...actions.map((a) => [a, a])], { class: 'input', testid: 'audit-action' }),
    actor: h('input', { type: 'text', class: 'input', testid: 'audit-actor', placeholder: 'Key ID, or operator', autocomplete: 'off' }),
    outcome: select([['', 'Any outcome'], ['success', 'Success'], ['denied', 'Denied'], ['failed', 'Failed']], { class: 'input', testid: 'audit-outcome' }),
  };
  const csv = h('a', { class: 'btn btn-small', testid: 'audit-csv', attrs: { download: `audit-${ctx.tenantId}.csv` } }, 'Download CSV');
  const form = h('form', { class: 'filter-bar', noValidate: true },
    h('div', { class: 'filter-grid' },
      field('From', f.from), field('To', f.to), field('Action', f.action), field('Actor', f.actor), field('Outcome', f.outcome)),
    h('div', { class: 'filter-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary btn-small', testid: 'audit-apply' }, 'Apply filters'),
      button('Clear', { class: 'btn-small btn-ghost', on: { click: () => go({ from: '', to: '', action: '', actor: '', outcome: '' }) } })));
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    go({
      from: fromLocalInput(f.from.value), to: fromLocalInput(f.to.value), action: f.action.value,
      actor: f.actor.value.trim(), outcome: f.outcome.value,
    });
  });

  const table = h('table', { class: 'table audit-table', testid: 'audit-table' });
  const loadingEl = h('div', { class: 'table-loading', testid: 'table-loading', attrs: { role: 'status' } }, h('span', { class: 'spinner spinner-small' }), 'Loading the audit log…');
  const wrap = h('div', { class: 'table-wrap' }, table, loadingEl);
  const stateBox = h('div', { class: 'table-state' });
  const total = h('span', { class: 'total num', testid: 'audit-total' });
  const pageInfo = h('span', { class: 'page-info num' });
  const pageSize = select(pageSizes.map((n) => [String(n), String(n)]), {
    class: 'input input-compact', testid: 'audit-page-size', attrs: { 'aria-label': 'Rows per page' },
    on: { change: () => go({ pageSize: Number(pageSize.value) }) },
  });
  const prev = button('‹ Previous', { class: 'btn-small', testid: 'audit-prev', on: { click: () => goPrev() } });
  const next = button('Next ›', { class: 'btn-small', testid: 'audit-next', on: { click: () => goNext() } });
  const refresh = button('Refresh', { class: 'btn-small', testid: 'refresh', on: { click: () => load() } });

  const el = h('div', { class: 'audit-page' },
    h('div', { class: 'page-head' },
      h('div', null, h('h1', null, 'Audit log'),
        h('p', { class: 'page-subtitle muted' }, ctx.me.microtenantId
          ? `Administrative actions of microtenant ${ctx.me.microtenantId}'s keys, newest first.`
          : `Every administrative action in tenant ${ctx.tenantId}, successful or refused, newest first.`)),
      h('div', { class: 'page-actions' }, refresh, csv)),
    h('section', { class: 'card table-card' }, form, wrap, stateBox,
      h('div', { class: 'table-footer' },
        h('div', { class: 'footer-left' }, total),
        h('div', { class: 'footer-right' },
          h('label', { class: 'inline-label' }, h('span', { class: 'muted' }, 'Rows per page'), pageSize),
          pageInfo, h('div', { class: 'pager' }, prev, next)))));

  const prevStore = () => { try { return JSON.parse(sessionStorage.getItem(prevStoreKey) || '{}'); } catch { return {}; } };
  function hasNext() {
    if (!response) return false;
    if (state.cursor || state.page * state.pageSize > maxOffset) return Boolean(response.nextCursor);
    return response.nextCursor !== undefined ? Boolean(response.nextCursor) : state.page * state.pageSize < response.total;
  }
  function goNext() {
    if (!hasNext()) return;
    const page = state.page + 1;
    if (!state.cursor && (page - 1) * state.pageSize <= maxOffset) { go({ page }, { keepPage: true }); return; }
    let store = prevStore();
    if (Object.keys(store).length > 500) store = {};
    store[response.nextCursor] = state.cursor;
    sessionStorage.setItem(prevStoreKey, JSON.stringify(store));
    go({ page, cursor: response.nextCursor }, { keepPage: true });
  }
  function goPrev() {
    if (state.page <= 1) return;
    const page = state.page - 1;
    if (!state.cursor) { go({ page }, { keepPage: true }); return; }
    const before = prevStore()[state.cursor];
    if (before !== undefined) { go({ page, cursor: before }, { keepPage: true }); return; }
    go({ page: Math.min(page, Math.floor(maxOffset / state.pageSize) + 1), cursor: '' }, { keepPage: true });
  }

  function sync() {
    f.from.value = toLocalInput(state.from);
    f.to.value = toLocalInput(state.to);
    f.action.value = state.action;
    f.actor.value = state.actor;
    f.outcome.value = state.outcome;
    pageSize.value = String(state.pageSize);
    csv.href = api.withQuery(api.tenantPath(ctx.tenantId, 'audit'), { format: 'csv', ...filtersOf(state) });
  }

  async function load() {
    controller?.abort();
    controller = new AbortController();
    const { signal } = controller;
    loading = true;
    wrap.appendChild(loadingEl);
    refresh.setAttribute('aria-busy', 'true');
    const query = { ...filtersOf(state), pageSize: state.pageSize };
    if (state.cursor) query.cursor = state.cursor; else query.page = state.page;
    let error = null;
    try {
      response = await api.get(api.tenantPath(ctx.tenantId, 'audit'), query, { signal });
    } catch (e) {
      if (e?.name === 'AbortError' || e instanceof api.SignedOutError) return;
      error = e;
      response = null;
    }
    loading = false;
    loadingEl.remove();
    refresh.setAttribute('aria-busy', 'false');
    draw(error);
  }

  function draw(error) {
    const items = response?.items ?? [];
    const head = ['Time', 'Actor', 'Action', 'Target', 'Outcome', 'Client IP', 'Details'];
    table.replaceChildren(
      h('thead', null, h('tr', null, head.map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', null, items.map((r) => h('tr', { class: 'audit-row', testid: 'audit-row', data: { action: r.action, outcome: r.outcome, auditId: r.auditId } },
        h('td', { class: 'nowrap' }, h('time', { dateTime: r.at, title: r.at }, dateTime(r.at)), h('span', { class: 'muted small block' }, relative(r.at))),
        h('td', null, h('div', null, r.actorName || r.actorKeyId),
          h('span', { class: 'muted small block' }, [role(r.actorRole), r.actorMicrotenantId ? `µt ${r.actorMicrotenantId}` : null, r.actorKeyId].filter(Boolean).join(' · '))),
        h('td', null, h('span', { class: 'mono small' }, r.action)),
        h('td', { class: 'break' }, r.target || none()),
        h('td', null, h('span', { class: ['tag', `tag-outcome-${r.outcome}`] }, r.outcome)),
        h('td', null, r.clientIp ? h('span', { class: 'mono small' }, r.clientIp) : none()),
        h('td', { class: 'details-cell' }, detailsText(r.details) ? h('span', { class: 'small', title: JSON.stringify(r.details, null, 2) }, detailsText(r.details)) : none())))));
    if (error) {
      replaceChildren(stateBox, h('div', { class: 'state state-error', testid: 'table-error', attrs: { role: 'alert' } },
        h('strong', null, 'The audit log could not be loaded.'), h('p', null, api.plainMessage(error)),
        h('div', { class: 'state-actions' }, button('Try again', { class: 'btn-small', on: { click: () => load() } }))));
    } else if (response && !items.length) {
      replaceChildren(stateBox, h('div', { class: 'state', testid: 'table-empty' },
        h('strong', null, response.total ? 'This page is past the end of the log.' : 'No audit records match.'),
        h('p', { class: 'muted' }, 'Administrative actions appear here as they happen.')));
    } else {
      stateBox.replaceChildren();
    }
    const t = response?.total ?? 0;
    total.textContent = `Total ${number(t)} items`;
    pageInfo.textContent = `Page ${number(state.page)} of ${number(Math.max(1, Math.ceil(t / state.pageSize)))}`;
    prev.disabled = state.page <= 1 || loading;
    next.disabled = !hasNext() || loading;
  }

  sync();
  draw(null);
  load();

  return {
    el,
    update(nextRoute) {
      state = parse(nextRoute.params);
      sync();
      load();
    },
    destroy() { controller?.abort(); },
  };
}
