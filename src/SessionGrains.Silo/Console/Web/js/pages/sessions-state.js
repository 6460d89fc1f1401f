// The session table's state, as it lives in the hash, and what it asks the API for.

/** The table's columns: key (data-column), label, the API sort field when sortable. */
export const columns = [
  { key: 'user', label: 'User', sort: 'userEmail', visible: true },
  { key: 'status', label: 'Status', visible: true },
  { key: 'sessionName', label: 'Session name', visible: true },
  { key: 'ipAddress', label: 'IP address', sort: 'ipAddress', visible: true },
  { key: 'userAgent', label: 'User agent', visible: true },
  { key: 'clientId', label: 'Client', visible: true },
  { key: 'kind', label: 'Kind', visible: true },
  { key: 'createdAt', label: 'Created', sort: 'createdAt', visible: true },
  { key: 'lastActivity', label: 'Last activity', sort: 'lastActivity', visible: true },
  { key: 'expiresAt', label: 'Expires in', sort: 'expiresAt', visible: true },
  { key: 'duration', label: 'Duration', sort: 'duration', visible: true, numeric: true },
  { key: 'apiKeyName', label: 'API key name', visible: true },
  { key: 'microtenantId', label: 'Microtenant', visible: true },
  { key: 'sessionId', label: 'Session ID', visible: false },
  { key: 'clientType', label: 'Client type', visible: false },
  { key: 'identityProvider', label: 'Identity provider', visible: false },
  { key: 'endedAt', label: 'Ended', visible: false },
  { key: 'endReason', label: 'End reason', visible: false },
];

const defaultColumns = columns.filter((c) => c.visible).map((c) => c.key);

/** The filter fields (hash and API names alike). */
export const filterKeys = ['status', 'clientId', 'kind', 'microtenantId', 'userId', 'ipAddress', 'createdAfter', 'createdBefore'];

export const pageSizes = [10, 25, 50, 100, 500];
export const defaultPageSize = 25;
export const defaultSort = '-createdAt';
/** The API refuses (page - 1) × pageSize above this (page_too_deep); past it the table walks by cursor. */
export const maxOffset = 10000;

/** The state a hash's params describe. */
export function parseState(params) {
  const get = (name) => params.get(name) ?? '';
  const pageSize = Number(get('pageSize'));
  const page = Number(get('page'));
  const colsParam = params.get('cols');
  const known = new Set(columns.map((c) => c.key));
  const cols = colsParam === null ? defaultColumns : colsParam.split(',').filter((c) => known.has(c));
  const status = get('status');
  return {
    search: get('search'),
    status: ['active', 'inactive'].includes(status) ? status : 'all',
    clientId: get('clientId'),
    kind: get('kind'),
    microtenantId: get('microtenantId'),
    userId: get('userId'),
    ipAddress: get('ipAddress'),
    createdAfter: get('createdAfter'),
    createdBefore: get('createdBefore'),
    sort: get('sort') || defaultSort,
    pageSize: pageSizes.includes(pageSize) ? pageSize : defaultPageSize,
    page: Number.isInteger(page) && page > 0 ? page : 1,
    cursor: get('cursor'),
    cols,
    // The filter bar is folded away unless asked for (its toggle shows how many filters are on).
    filtersShown: get('filters') === 'shown',
    refresh: Number(get('refresh')) || 0,
    mt: get('mt'),
  };
}

/** The hash params of a state; defaults are left out so links stay short. */
export function toParams(state) {
  const sameCols = state.cols.length === defaultColumns.length && state.cols.every((c, i) => c === defaultColumns[i]);
  return {
    mt: state.mt,
    search: state.search,
    status: state.status === 'all' ? '' : state.status,
    clientId: state.clientId,
    kind: state.kind,
    microtenantId: state.mt ? '' : state.microtenantId,
    userId: state.userId,
    ipAddress: state.ipAddress,
    createdAfter: state.createdAfter,
    createdBefore: state.createdBefore,
    sort: state.sort === defaultSort ? '' : state.sort,
    pageSize: state.pageSize === defaultPageSize ? '' : state.pageSize,
    page: state.page > 1 ? state.page : '',
    cursor: state.cursor,
    cols: sameCols ? '' : state.cols.join(',') || 'none',
    filters: state.filtersShown ? 'shown' : '',
    refresh: state.refresh || '',
  };
}

/** The microtenant the table is narrowed to: the switcher's, else the filter's. */
export function effectiveMicrotenant(state) {
  return state.mt || state.microtenantId;
}

/** The filters, search and sort without the paging: what a saved filter holds. */
export function queryOf(state) {
  return {
    search: state.search || null,
    status: state.status === 'all' ? null : state.status,
    userId: state.userId || null,
    clientId: state.clientId || null,
    kind: state.kind || null,
    microtenantId: effectiveMicrotenant(state) || null,
    ipAddress: state.ipAddress || null,
    createdAfter: state.createdAfter || null,
    createdBefore: state.createdBefore || null,
    sort: state.sort === defaultSort ? null : state.sort,
    pageSize: state.pageSize === defaultPageSize ? null : state.pageSize,
  };
}

/** The GET …/sessions query for a state: its page, or its cursor (never both). */
export function apiQuery(state, overrides = {}) {
  const q = queryOf(state);
  const query = {
    search: q.search, status: q.status, userId: q.userId, clientId: q.clientId, kind: q.kind,
    microtenantId: q.microtenantId, ipAddress: q.ipAddress, createdAfter: q.createdAfter,
    createdBefore: q.createdBefore, sort: state.sort, pageSize: state.pageSize,
    ...overrides,
  };
  if (!('cursor' in overrides) && !('page' in overrides)) {
    if (state.cursor) query.cursor = state.cursor;
    else query.page = state.page;
  }
  return query;
}

/** A key that changes whenever the set of matching rows or their order changes. */
export function filterKey(state) {
  return JSON.stringify([queryOf(state), state.sort, state.pageSize]);
}

/** How many filters (beyond the default "all") are in use, for the filter toggle's badge. */
export function activeFilterCount(state) {
  return filterKeys.filter((k) => (k === 'status' ? state.status !== 'all' : k === 'microtenantId' ? !state.mt && state.microtenantId : state[k])).length;
}

/** Whether a saved filter's query is the state's current one. */
export function matchesQuery(state, saved) {
  const mine = queryOf(state);
  const norm = (name, value) => {
    if (value === null || value === undefined || value === '') return '';
    if (name === 'createdAfter' || name === 'createdBefore') {
      const t = new Date(value).getTime();
      return Number.isNaN(t) ? String(value) : String(t);
    }
    if (name === 'sort') return value === defaultSort ? '' : String(value);
    if (name === 'status') return value === 'all' ? '' : String(value);
    return String(value);
  };
  return Object.keys(mine).every((name) => {
    if (name === 'pageSize' && (saved[name] === null || saved[name] === undefined)) return true;
    if (name === 'pageSize') return Number(saved[name]) === state.pageSize;
    return norm(name, mine[name]) === norm(name, saved[name]);
  });
}

/** The state a saved filter's query gives, keeping the view's columns, filter bar and refresh. */
export function stateFromQuery(state, query) {
  const pageSize = Number(query.pageSize);
  const next = {
    ...state,
    search: query.search ?? '',
    status: query.status || 'all',
    userId: query.userId ?? '',
    clientId: query.clientId ?? '',
    kind: query.kind ?? '',
    ipAddress: query.ipAddress ?? '',
    createdAfter: query.createdAfter ?? '',
    createdBefore: query.createdBefore ?? '',
    sort: query.sort || defaultSort,
    pageSize: pageSizes.includes(pageSize) ? pageSize : state.pageSize,
    page: 1,
    cursor: '',
  };
  // The saved query names its microtenant outright; with the switcher in use, it moves the switcher.
  if (state.mt) {
    next.mt = query.microtenantId ?? '';
    next.microtenantId = '';
  } else {
    next.microtenantId = query.microtenantId ?? '';
  }
  return next;
}
