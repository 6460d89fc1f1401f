// The one wrapper around fetch. Same origin, the console cookie (HttpOnly, so never seen here),
// JSON in and out, the CSRF token on every state-changing call, problems turned into errors a
// page can show in plain words, and a 401 taken as "signed out".

/** An API failure: the problem's title/detail/code/errors, or a network failure (status 0). */
export class ApiError extends Error {
  constructor(status, problem, retryAfter) {
    super(problem?.detail || problem?.title || `The request failed (HTTP ${status}).`);
    this.name = 'ApiError';
    this.status = status;
    this.code = problem?.code ?? (status === 0 ? 'network_error' : 'error');
    this.title = problem?.title ?? '';
    this.detail = problem?.detail ?? '';
    this.errors = problem?.errors ?? null;
    this.retryAfter = retryAfter;
  }
}

/** Thrown (and ignored by pages) once a 401 has sent the browser back to the sign-in page. */
export class SignedOutError extends Error {
  constructor() {
    super('Signed out');
    this.name = 'SignedOutError';
  }
}

/** The client id of every console session (reserved by the server for the console's own sign-in). */
export const consoleClientId = 'sessiongrains-console';

let csrfToken = null;
let onSignedOut = () => {};

/** Remembers the console session's CSRF token (null after sign-out). */
export function setCsrfToken(token) {
  csrfToken = token;
}

/** What to do when a request answers 401: the app shows the sign-in page. */
export function onUnauthorized(handler) {
  onSignedOut = handler;
}

/** Builds a path with a query string; empty, null and undefined values are left out. */
export function withQuery(path, query) {
  if (!query) return path;
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query)) {
    if (value === null || value === undefined || value === '') continue;
    params.set(key, String(value));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

/** `/api/v1/tenants/{tenantId}/…` with each segment encoded. */
export function tenantPath(tenantId, ...segments) {
  return ['/api/v1/tenants', tenantId, ...segments].map((s, i) => (i === 0 ? s : encodeURIComponent(s))).join('/');
}

/**
 * Sends one request. options: query, body (JSON), signal, headers, and
 * expectUnauthorized (the sign-in and the session check handle their own 401).
 */
export async function request(method, path, options = {}) {
  const headers = { Accept: 'application/json', ...(options.headers ?? {}) };
  const init = { method, headers, credentials: 'same-origin', signal: options.signal, cache: 'no-store' };
  if (options.body !== undefined) {
    headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(options.body);
  }
  if (method !== 'GET' && method !== 'HEAD' && csrfToken) headers['X-CSRF-Token'] = csrfToken;

  let response;
  try {
    response = await fetch(withQuery(path, options.query), init);
  } catch (error) {
    if (error?.name === 'AbortError') throw error;
    throw new ApiError(0, {
      title: 'No connection',
      detail: "The console can't reach the server. Check the connection and try again.",
    });
  }

  if (response.status === 401 && !options.expectUnauthorized) {
    setCsrfToken(null);
    onSignedOut();
    throw new SignedOutError();
  }
  if (response.status === 204) return null;

  const type = response.headers.get('Content-Type') ?? '';
  let payload = null;
  if (type.includes('json')) {
    try {
      payload = await response.json();
    } catch (error) {
      // A page that moved on aborts its request while the body is still arriving: that is no answer.
      if (error?.name === 'AbortError' || options.signal?.aborted) throw error;
      payload = null;
    }
  }
  if (!response.ok) {
    const retryAfter = Number(response.headers.get('Retry-After')) || null;
    throw new ApiError(response.status, payload ?? { title: response.statusText }, retryAfter);
  }
  return payload;
}

/** GET shorthand. */
export const get = (path, query, options = {}) => request('GET', path, { ...options, query });
/** POST shorthand. */
export const post = (path, body, options = {}) => request('POST', path, { ...options, body });
/** PUT shorthand. */
export const put = (path, body, options = {}) => request('PUT', path, { ...options, body });
/** DELETE shorthand. */
export const del = (path, options = {}) => request('DELETE', path, options);

const plainByCode = {
  network_error: "The console can't reach the server. Check the connection and try again.",
  forbidden: "Your key's role doesn't allow this.",
  rate_limited: 'Too many requests. Wait a moment and try again.',
  unavailable: 'The service is busy or starting up. Try again in a few seconds.',
  csrf_token_invalid: 'The console session could not confirm this request. Reload the page and try again.',
  page_too_deep: 'That page is too deep to jump to directly. Use Next to walk there.',
  invalid_cursor: 'The page position is no longer valid for these filters. Start again from the first page.',
};

/** An error → one sentence for people, using the problem's detail and the fields it names. */
export function plainMessage(error) {
  if (!(error instanceof ApiError)) return error?.message || 'Something went wrong.';
  if (error.code === 'rate_limited' && error.retryAfter) return `Too many requests. Try again in ${error.retryAfter} s.`;
  let text = error.detail || plainByCode[error.code] || error.title || `The request failed (HTTP ${error.status}).`;
  if (error.errors && typeof error.errors === 'object') {
    const parts = Object.entries(error.errors).map(([name, messages]) => `${name} ${[].concat(messages).join(' ')}`);
    if (parts.length) text = `${text} ${parts.join(' ')}`;
  }
  return text;
}

/** Waits the problem's Retry-After (bounded) before a retry of a rate-limited or busy call. */
export function retryDelayMs(error) {
  const seconds = error instanceof ApiError && error.retryAfter ? error.retryAfter : 2;
  return Math.min(60, Math.max(1, seconds)) * 1000;
}
