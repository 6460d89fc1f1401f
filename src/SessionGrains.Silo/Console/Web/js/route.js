// The hash is the state: `#/sessions?status=active&sort=-lastActivity`, `#/sessions/<id>`,
// `#/audit?…`, `#/denylist`. Pages read their state from it and write changes back, so a view
// can be bookmarked, shared and restored by a reload.

/** The current route: { path: '/sessions', segments: ['sessions'], params: URLSearchParams }. */
export function current() {
  const raw = location.hash.replace(/^#/, '') || '/sessions';
  const q = raw.indexOf('?');
  const path = q < 0 ? raw : raw.slice(0, q);
  const params = new URLSearchParams(q < 0 ? '' : raw.slice(q + 1));
  const segments = path.split('/').filter(Boolean).map((s) => {
    try { return decodeURIComponent(s); } catch { return s; }
  });
  return { path, segments, params };
}

/** A hash for a path and a params object (empty values left out). */
export function hashFor(path, params = {}) {
  const qs = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === null || value === undefined || value === '' || value === false) continue;
    qs.set(key, String(value));
  }
  const text = qs.toString();
  return `#${path}${text ? `?${text}` : ''}`;
}

let renderer = () => {};

/** Registers the app's render function, called on every route change. */
export function onRoute(render) {
  renderer = render;
}

/** Goes to a hash; replace keeps the history entry (for typing, filters refined in place). */
export function navigate(hash, { replace = false } = {}) {
  if (hash === location.hash) return;
  if (replace) history.replaceState(null, '', hash);
  else history.pushState(null, '', hash);
  renderer();
}

/** The microtenant the switcher chose, carried on every route as `mt`. */
export function currentMicrotenant() {
  return current().params.get('mt') ?? '';
}
