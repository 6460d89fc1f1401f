// The sessions page: stats, the session table with its toolbar, filters, saved filters, column
// chooser, selection and paging. Its whole state is the hash (see sessions-state.js); every
// control writes the hash and update() redraws from it.
import * as api from '../api.js';
import { endClientSessions, logoutAllTenant, terminateSession } from '../actions.js';
import { hashFor, navigate } from '../route.js';
import { button, debounce, field, h, replaceChildren, select } from '../ui/dom.js';
import { fromLocalInput, number, toLocalInput } from '../ui/format.js';
import { bulkEnd } from './sessions-bulk.js';
import { createSavedFilters } from './sessions-saved.js';
import { createStats } from './sessions-stats.js';
import {
  activeFilterCount, apiQuery, columns, filterKey, maxOffset, pageSizes, parseState, stateFromQuery, toParams,
} from './sessions-state.js';
import { renderTable } from './sessions-table.js';

const searchDebounceMs = 250;
const prevStoreKey = 'sg.cursorPrev';

/** Mounts the sessions page for a route. */
export function mount(ctx, route) {
  let state = parseState(route.params);
  let response = null;
  let loadError = null;
  let loading = false;
  let controller = null;
  let loadSeq = 0;
  let refreshTimer = null;
  let destroyed = false;
  const selected = new Set();
  let allMatching = false;
  const selectable = ctx.can('bulkEnd');

  const go = (patch, { replace = false, keepPage = false } = {}) => {
    const next = { ...state, ...patch };
    if (!keepPage) {
      next.page = 1;
      next.cursor = '';
    }
    navigate(hashFor('/sessions', toParams(next)), { replace });
  };

  // ---- header and stats -------------------------------------------------------------------
  const subtitle = h('p', { class: 'page-subtitle muted' });
  const logoutAll = ctx.can('logoutAll')
    ? button('Log out entire tenant…', {
      class: 'btn-danger-outline', testid: 'tenant-logout-all',
      on: { click: async () => { if (await logoutAllTenant(ctx)) reloadAll(); } },
    })
    : null;
  const header = h('div', { class: 'page-head' },
    h('div', null, h('h1', null, 'Sessions'), subtitle),
    h('div', { class: 'page-actions' }, logoutAll));

  const stats = createStats(ctx, {
    onEndClient: ctx.can('clientEndAll')
      ? async (clientId, active) => { if (await endClientSessions(ctx, clientId, active)) reloadAll(); }
      : null,
  });

  // ---- toolbar ----------------------------------------------------------------------------
  const search = h('input', {
    type: 'search', class: 'input search-input', testid: 'search', autocomplete: 'off', spellcheck: false, maxLength: 256,
    placeholder: 'Search email, user ID, IP, session or key name', attrs: { 'aria-label': 'Search sessions' },
  });
  // While typing is waiting for its debounce, the box is ahead of the hash and must not be reset.
  let searchPending = false;
  const pushSearch = debounce(() => { searchPending = false; go({ search: search.value.trim() }, { replace: true }); }, searchDebounceMs);
  search.addEventListener('input', () => { searchPending = true; pushSearch(); });
  search.addEventListener('keydown', (e) => {
    if (e.key === 'Enter') {
      pushSearch.cancel();
      searchPending = false;
      go({ search: search.value.trim() }, { replace: true });
    }
  });

  const saved = createSavedFilters(ctx, {
    getState: () => state,
    apply: (query) => navigate(hashFor('/sessions', toParams(stateFromQuery(state, query)))),
  });

  const filterBadge = h('span', { class: 'badge', hidden: true });
  const toggleFilters = button(['Filters', filterBadge], {
    class: 'btn-small', testid: 'toggle-filters', attrs: { 'aria-controls': 'filter-bar' },
    on: { click: () => go({ filtersShown: !state.filtersShown }, { replace: true, keepPage: true }) },
  });

  const columnsMenu = h('div', { class: 'menu', testid: 'columns-menu', hidden: true, attrs: { role: 'group', 'aria-label': 'Columns shown' } });
  const columnsButton = button('Columns', {
    class: 'btn-small', testid: 'columns-button', attrs: { 'aria-expanded': 'false', 'aria-haspopup': 'true' },
    on: { click: (e) => { e.stopPropagation(); setColumnsMenu(columnsMenu.hidden); } },
  });
  const columnsWrap = h('div', { class: 'menu-wrap' }, columnsButton, columnsMenu);
  const closeMenu = (e) => {
    if (!columnsMenu.hidden && !columnsWrap.contains(e.target)) setColumnsMenu(false);
  };
  const escMenu = (e) => { if (e.key === 'Escape' && !columnsMenu.hidden) { setColumnsMenu(false); columnsButton.focus(); } };
  document.addEventListener('click', closeMenu);
  document.addEventListener('keydown', escMenu);

  function setColumnsMenu(open) {
    columnsMenu.hidden = !open;
    columnsButton.setAttribute('aria-expanded', String(open));
    if (open) renderColumnsMenu();
  }

  function renderColumnsMenu() {
    replaceChildren(columnsMenu,
      h('div', { class: 'menu-title' }, 'Columns shown'),
      columns.map((c) => {
        const box = h('input', { type: 'checkbox', checked: state.cols.includes(c.key), data: { column: c.key } });
        box.addEventListener('change', () => {
          const chosen = new Set(state.cols);
          if (box.checked) chosen.add(c.key); else chosen.delete(c.key);
          go({ cols: columns.filter((x) => chosen.has(x.key)).map((x) => x.key) }, { replace: true, keepPage: true });
        });
        return h('label', { class: 'menu-item' }, box, c.label);
      }),
      h('div', { class: 'menu-foot' }, button('Reset to default', {
        class: 'btn-small btn-ghost',
        on: { click: () => go({ cols: columns.filter((c) => c.visible).map((c) => c.key) }, { replace: true, keepPage: true }) },
      })));
  }

  const refresh = button('Refresh', { class: 'btn-small', testid: 'refresh', title: 'Reload the table and the statistics', on: { click: () => reloadAll() } });
  const autoRefresh = select([['0', 'Auto-refresh off'], ['10', 'Every 10 s'], ['30', 'Every 30 s'], ['60', 'Every minute']], {
    class: 'input input-compact', testid: 'auto-refresh', attrs: { 'aria-label': 'Auto-refresh' },
    on: { change: () => go({ refresh: Number(autoRefresh.value) }, { replace: true, keepPage: true }) },
  });

  const toolbar = h('div', { class: 'toolbar' },
    h('div', { class: 'toolbar-left' }, h('div', { class: 'search-wrap' }, search), saved.el),
    h('div', { class: 'toolbar-right' }, toggleFilters, columnsWrap, refresh, autoRefresh));

  // ---- filter bar -------------------------------------------------------------------------
  const clientList = h('datalist', { id: 'client-options' });
  const microtenantList = h('datalist', { id: 'microtenant-options' });
  const f = {
    status: select([['all', 'All'], ['active', 'Active'], ['inactive', 'Ended (terminated or expired)']], { class: 'input', testid: 'filter-status' }),
    clientId: h('input', { type: 'text', class: 'input', testid: 'filter-client', placeholder: 'Any client', attrs: { list: 'client-options' }, autocomplete: 'off' }),
    kind: select([['', 'Any kind'], ['user', 'User'], ['admin', 'Admin'], ['api-key', 'API key']], { class: 'input', testid: 'filter-kind' }),
    microtenantId: h('input', { type: 'text', class: 'input', testid: 'filter-microtenant', placeholder: 'Any microtenant', attrs: { list: 'microtenant-options' }, autocomplete: 'off' }),
    userId: h('input', { type: 'text', class: 'input', testid: 'filter-user', placeholder: 'Exact user ID', autocomplete: 'off' }),
    ipAddress: h('input', { type: 'text', class: 'input', testid: 'filter-ip', placeholder: 'e.g. 203.0.113.7', autocomplete: 'off' }),
    createdAfter: h('input', { type: 'datetime-local', class: 'input', testid: 'filter-created-after' }),
    createdBefore: h('input', { type: 'datetime-local', class: 'input', testid: 'filter-created-before' }),
  };
  const filterBar = h('form', { class: 'filter-bar', testid: 'filter-bar', id: 'filter-bar', noValidate: true },
    h('div', { class: 'filter-grid' },
      field('Status', f.status),
      field('Client', f.clientId),
      field('Kind', f.kind),
      field('Microtenant', f.microtenantId),
      field('User ID', f.userId),
      field('IP address', f.ipAddress),
      field('Created after', f.createdAfter),
      field('Created before', f.createdBefore)),
    h('div', { class: 'filter-actions' },
      h('button', { type: 'submit', class: 'btn btn-primary btn-small', testid: 'filter-apply' }, 'Apply filters'),
      button('Clear', { class: 'btn-small btn-ghost', testid: 'filter-clear', on: { click: () => clearFilters() } })),
    clientList, microtenantList);
  filterBar.addEventListener('submit', (e) => {
    e.preventDefault();
    go({
      status: f.status.value,
      clientId: f.clientId.value.trim(),
      kind: f.kind.value,
      microtenantId: state.mt ? state.microtenantId : f.microtenantId.value.trim(),
      userId: f.userId.value.trim(),
      ipAddress: f.ipAddress.value.trim(),
      createdAfter: fromLocalInput(f.createdAfter.value),
      createdBefore: fromLocalInput(f.createdBefore.value),
    });
  });

  function clearFilters() {
    pushSearch.cancel();
    searchPending = false;
    search.value = '';
    go({ search: '', status: 'all', clientId: '', kind: '', microtenantId: '', userId: '', ipAddress: '', createdAfter: '', createdBefore: '' });
  }

  // ---- selection, bulk results, table, footer ---------------------------------------------
  const selectionBar = h('div', { class: 'selection-bar', hidden: !selectable });
  const bulkResults = h('section', { class: 'bulk-results card-inset', testid: 'bulk-results', hidden: true, attrs: { 'aria-live': 'polite' } });
  const table = h('table', { class: 'table sessions-table', testid: 'sessions-table' });
  const loadingEl = h('div', { class: 'table-loading', testid: 'table-loading', attrs: { role: 'status' } },
    h('span', { class: 'spinner spinner-small', attrs: { 'aria-hidden': 'true' } }), 'Loading sessions…');
  const stateBox = h('div', { class: 'table-state' });
  const tableWrap = h('div', { class: 'table-wrap' }, table, loadingEl);

  const totalEl = h('span', { class: 'total num', testid: 'total' });
  const pageSize = select(pageSizes.map((n) => [String(n), String(n)]), {
    class: 'input input-compact', testid: 'page-size', attrs: { 'aria-label': 'Rows per page' },
    on: { change: () => go({ pageSize: Number(pageSize.value) }) },
  });
  const pageInfo = h('span', { class: 'page-info num', testid: 'page-info' });
  const rangeInfo = h('span', { class: 'muted num range-info' });
  const prev = button('‹ Previous', { class: 'btn-small', testid: 'page-prev', on: { click: () => goPrev() } });
  const next = button('Next ›', { class: 'btn-small', testid: 'page-next', on: { click: () => goNext() } });
  const footer = h('div', { class: 'table-footer' },
    h('div', { class: 'footer-left' }, totalEl, rangeInfo),
    h('div', { class: 'footer-right' },
      h('label', { class: 'inline-label' }, h('span', { class: 'muted' }, 'Rows per page'), pageSize),
      pageInfo, h('div', { class: 'pager' }, prev, next)));

  const tableCard = h('section', { class: 'card table-card', attrs: { 'aria-label': 'Sessions' } },
    toolbar, filterBar, selectionBar, bulkResults, tableWrap, stateBox, footer);

  const el = h('div', { class: 'sessions-page' }, header, stats.el, tableCard);

  // ---- paging -----------------------------------------------------------------------------
  // Offsets up to the API's limit go by page number; past it, by nextCursor. Going back from a
  // cursor page needs the cursor before it: kept per tab, so a reload can still go back.
  const prevStore = () => {
    try { return JSON.parse(sessionStorage.getItem(prevStoreKey) || '{}'); } catch { return {}; }
  };
  function rememberPrev(cursor, before) {
    let store = prevStore();
    if (Object.keys(store).length > 500) store = {};
    store[cursor] = before;
    sessionStorage.setItem(prevStoreKey, JSON.stringify(store));
  }

  function goNext() {
    if (!response || !hasNext()) return;
    const page = state.page + 1;
    if (!state.cursor && (page - 1) * state.pageSize <= maxOffset) {
      go({ page, cursor: '' }, { keepPage: true });
      return;
    }
    rememberPrev(response.nextCursor, state.cursor);
    go({ page, cursor: response.nextCursor }, { keepPage: true });
  }

  function goPrev() {
    if (state.page <= 1) return;
    const page = state.page - 1;
    if (!state.cursor) {
      go({ page }, { keepPage: true });
      return;
    }
    const before = prevStore()[state.cursor];
    if (before !== undefined) {
      go({ page, cursor: before }, { keepPage: true });
      return;
    }
    // The cursor before this one is unknown (another tab's link): the nearest page by number.
    const deepest = Math.floor(maxOffset / state.pageSize) + 1;
    go({ page: Math.min(page, deepest), cursor: '' }, { keepPage: true });
  }

  function hasNext() {
    if (!response) return false;
    if (state.cursor || state.page * state.pageSize > maxOffset) return Boolean(response.nextCursor);
    return response.nextCursor !== undefined ? Boolean(response.nextCursor) : state.page * state.pageSize < response.total;
  }

  // ---- loading ----------------------------------------------------------------------------
  async function load() {
    controller?.abort();
    controller = new AbortController();
    const { signal } = controller;
    const seq = ++loadSeq;
    setLoading(true);
    try {
      const answer = await api.get(api.tenantPath(ctx.tenantId, 'sessions'), apiQuery(state), { signal });
      if (seq !== loadSeq || destroyed) return;
      response = answer;
      loadError = null;
    } catch (error) {
      if (error?.name === 'AbortError' || error instanceof api.SignedOutError || seq !== loadSeq) return;
      loadError = error;
    } finally {
      if (seq === loadSeq) setLoading(false);
    }
    if (destroyed) return;
    draw();
  }

  function reloadAll() {
    if (destroyed) return;
    load();
    stats.load(state.mt || undefined);
  }

  function setLoading(on) {
    loading = on;
    refresh.setAttribute('aria-busy', String(on));
    refresh.textContent = on ? 'Refreshing…' : 'Refresh';
    // Present only while loading (tests and screen readers take its presence as "busy").
    if (on) tableWrap.appendChild(loadingEl); else loadingEl.remove();
    loadingEl.classList.toggle('is-first', !response);
    tableWrap.classList.toggle('is-loading', on);
  }

  function draw() {
    const items = response?.items ?? [];
    renderTable(table, state, loadError ? [] : items, {
      me: ctx.me,
      selectable,
      canTerminate: ctx.can('terminate'),
      selected,
      allMatching,
      linkFor: (id) => hashFor(`/sessions/${encodeURIComponent(id)}`, { mt: state.mt }),
      onSort: (field) => go({ sort: state.sort === `-${field}` ? field : `-${field}` }),
      onToggleRow: (id, on) => { if (on) selected.add(id); else selected.delete(id); draw(); },
      onTogglePage: (on) => {
        for (const s of items) if (on) selected.add(s.sessionId); else selected.delete(s.sessionId);
        if (!on) allMatching = false;
        draw();
      },
      onTerminate: async (session) => { if (await terminateSession(ctx, session)) reloadAll(); },
      onOpen: (id) => navigate(hashFor(`/sessions/${encodeURIComponent(id)}`, { mt: state.mt })),
    });
    drawStateBox(items);
    drawFooter();
    drawSelection(items);
    saved.sync();
  }

  function drawStateBox(items) {
    if (loadError) {
      const retry = button('Try again', { class: 'btn-small', on: { click: () => load() } });
      const first = ['page_too_deep', 'invalid_cursor'].includes(loadError.code)
        ? button('Go to the first page', { class: 'btn-small btn-primary', on: { click: () => go({}) } })
        : null;
      replaceChildren(stateBox, h('div', { class: 'state state-error', testid: 'table-error', attrs: { role: 'alert' } },
        h('strong', null, 'The sessions could not be loaded.'),
        h('p', null, api.plainMessage(loadError)),
        h('div', { class: 'state-actions' }, first, retry)));
      return;
    }
    if (!response || items.length) {
      stateBox.replaceChildren();
      return;
    }
    const filtered = state.search || activeFilterCount(state) > 0;
    if (response.total > 0) {
      replaceChildren(stateBox, h('div', { class: 'state', testid: 'table-empty' },
        h('strong', null, 'This page is past the end of the list.'),
        h('div', { class: 'state-actions' }, button('Go to the first page', { class: 'btn-small', on: { click: () => go({}) } }))));
    } else if (filtered) {
      replaceChildren(stateBox, h('div', { class: 'state', testid: 'table-empty' },
        h('strong', null, 'No sessions match.'),
        h('p', { class: 'muted' }, 'Try another search, or clear the filters.'),
        h('div', { class: 'state-actions' }, button('Clear search and filters', { class: 'btn-small', on: { click: () => clearFilters() } }))));
    } else {
      replaceChildren(stateBox, h('div', { class: 'state', testid: 'table-empty' },
        h('strong', null, 'No sessions yet.'),
        h('p', { class: 'muted' }, 'Sessions appear here as users sign in.')));
    }
  }

  function drawFooter() {
    const total = response?.total ?? 0;
    totalEl.textContent = `Total ${number(total)} items`;
    const pages = Math.max(1, Math.ceil(total / state.pageSize));
    pageInfo.textContent = `Page ${number(state.page)} of ${number(pages)}`;
    const count = response?.items?.length ?? 0;
    const start = (state.page - 1) * state.pageSize;
    rangeInfo.textContent = count ? `Showing ${number(start + 1)}–${number(start + count)}` : '';
    prev.disabled = state.page <= 1 || loading;
    next.disabled = !hasNext() || loading;
  }

  function drawSelection(items) {
    if (!selectable) return;
    const total = response?.total ?? 0;
    const count = allMatching ? total : selected.size;
    const bulk = button(count ? `End sessions (${number(count)})` : 'End sessions', {
      class: 'btn-small btn-danger', testid: 'bulk-end', disabled: count === 0,
      on: { click: () => runBulk() },
    });
    const pageAll = items.length > 0 && items.every((s) => selected.has(s.sessionId));
    let banner = null;
    if (allMatching) {
      banner = h('span', { class: 'selection-note' }, `All ${number(total)} matching sessions are selected.`);
    } else if (pageAll && total > items.length) {
      banner = h('span', { class: 'selection-note' },
        `All ${number(items.length)} on this page are selected. `,
        h('button', { type: 'button', class: 'link-button', testid: 'select-all-matching', on: { click: () => { allMatching = true; draw(); } } },
          `Select all ${number(total)} matching`));
    }
    replaceChildren(selectionBar,
      h('span', { class: 'selection-count num' }, count ? `${number(count)} selected` : 'Select sessions to end them'),
      banner,
      count ? button('Clear selection', { class: 'btn-small btn-ghost', on: { click: () => { selected.clear(); allMatching = false; draw(); } } }) : null,
      h('span', { class: 'spacer' }),
      bulk);
  }

  async function runBulk() {
    const source = allMatching ? { query: apiQuery(state) } : { ids: [...selected] };
    const expected = allMatching ? response?.total ?? 0 : selected.size;
    const changed = await bulkEnd(ctx, source, bulkResults, expected);
    if (changed) {
      selected.clear();
      allMatching = false;
      reloadAll();
    }
  }

  // ---- syncing controls from the state ----------------------------------------------------
  function syncControls() {
    if (!searchPending && search.value.trim() !== state.search) search.value = state.search;
    subtitle.textContent = state.mt
      ? `Sessions of microtenant ${state.mt} in tenant ${ctx.tenantId}, live and ended.`
      : ctx.me.microtenantId
        ? `Sessions of microtenant ${ctx.me.microtenantId}, live and ended.`
        : `Every session of tenant ${ctx.tenantId}, live and ended.`;
    f.status.value = state.status;
    f.clientId.value = state.clientId;
    f.kind.value = state.kind;
    f.microtenantId.value = state.mt || state.microtenantId;
    f.microtenantId.disabled = Boolean(state.mt) || Boolean(ctx.me.microtenantId);
    if (ctx.me.microtenantId) f.microtenantId.value = ctx.me.microtenantId;
    f.userId.value = state.userId;
    f.ipAddress.value = state.ipAddress;
    f.createdAfter.value = toLocalInput(state.createdAfter);
    f.createdBefore.value = toLocalInput(state.createdBefore);
    filterBar.hidden = !state.filtersShown;
    toggleFilters.setAttribute('aria-expanded', String(state.filtersShown));
    toggleFilters.title = state.filtersShown ? 'Hide the filter bar' : 'Show the filter bar';
    const n = activeFilterCount(state);
    filterBadge.hidden = n === 0;
    filterBadge.textContent = String(n);
    pageSize.value = String(state.pageSize);
    autoRefresh.value = ['0', '10', '30', '60'].includes(String(state.refresh)) ? String(state.refresh) : '0';
    replaceChildren(clientList, (ctx.knownClients ?? []).map((c) => h('option', { value: c })));
    replaceChildren(microtenantList, (ctx.microtenants ?? []).map((m) => h('option', { value: m.microtenantId }, m.name)));
    if (!columnsMenu.hidden) renderColumnsMenu();
    scheduleRefresh();
  }

  function scheduleRefresh() {
    clearInterval(refreshTimer);
    refreshTimer = null;
    if (!state.refresh) return;
    refreshTimer = setInterval(() => {
      // Never under an open dialog or a running load: the admin is deciding, or it is already fresh.
      if (document.hidden || loading || document.querySelector('dialog[open]')) return;
      reloadAll();
    }, Math.max(5, state.refresh) * 1000);
  }

  const dataKey = (s) => JSON.stringify([apiQuery(s), s.mt]);

  function update(nextRoute) {
    const nextState = parseState(nextRoute.params);
    const before = state;
    state = nextState;
    if (filterKey(before) !== filterKey(nextState)) {
      selected.clear();
      allMatching = false;
    }
    syncControls();
    if (before.mt !== nextState.mt) stats.load(nextState.mt || undefined);
    if (dataKey(before) !== dataKey(nextState)) load();
    else draw();
  }

  syncControls();
  draw();
  load();
  stats.load(state.mt || undefined).then(() => {
    replaceChildren(clientList, (ctx.knownClients ?? []).map((c) => h('option', { value: c })));
  });
  saved.load();

  return {
    el,
    update,
    destroy() {
      // In-flight loads are left to finish (their answers are dropped): a sign-out caused by one
      // answer's 401 must not cut the other requests of the same refresh off mid-flight.
      loadSeq += 1;
      destroyed = true;
      pushSearch.cancel();
      clearInterval(refreshTimer);
      document.removeEventListener('click', closeMenu);
      document.removeEventListener('keydown', escMenu);
    },
  };
}
