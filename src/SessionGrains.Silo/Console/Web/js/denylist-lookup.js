// Whether one user is on the denylist. The API has no per-user read, but its list is ordered by
// userId (ordinal), so a binary search over pages of 500 answers in a few requests. Pages past the
// offset limit (10,000) cannot be reached; for a user who would sort there the answer is unknown.
import * as api from './api.js';

const pageSize = 500;
const maxOffset = 10000;
const maxSteps = 8;

/** { known: true, entry } (entry null when not denylisted), or { known: false }. */
export async function findDenylistEntry(ctx, userId, signal) {
  const path = api.tenantPath(ctx.tenantId, 'denylist');
  const fetchPage = (page) => api.get(path, { page, pageSize }, { signal });
  // Identifiers are ASCII, so JavaScript's string order is the API's ordinal order.
  const first = await fetchPage(1);
  const inPage = (items) => items.find((d) => d.userId === userId) ?? null;
  if (inPage(first.items)) return { known: true, entry: inPage(first.items) };
  const pages = Math.ceil(first.total / pageSize);
  if (pages <= 1 || !first.items.length || userId < first.items[first.items.length - 1].userId) return { known: true, entry: null };

  const reachable = Math.min(pages, Math.floor(maxOffset / pageSize) + 1);
  let lo = 2;
  let hi = reachable;
  for (let step = 0; step < maxSteps && lo <= hi; step += 1) {
    const mid = Math.floor((lo + hi) / 2);
    const { items } = await fetchPage(mid);
    if (!items.length) {
      hi = mid - 1;
      continue;
    }
    const entry = inPage(items);
    if (entry) return { known: true, entry };
    if (userId < items[0].userId) hi = mid - 1;
    else if (userId > items[items.length - 1].userId) lo = mid + 1;
    else return { known: true, entry: null };
  }
  // Past every reachable page while more exist: it might be on one the API will not serve.
  if (lo > reachable && pages > reachable) return { known: false };
  return { known: lo > hi, entry: null };
}
