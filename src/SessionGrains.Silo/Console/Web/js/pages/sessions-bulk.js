// "End sessions": the selected ids, or every session matching the filters (walked by cursor,
// 500 a page), ended in batches of at most 1,000 with one outcome per id shown afterwards.
import * as api from '../api.js';
import { button, h, replaceChildren } from '../ui/dom.js';
import { confirm } from '../ui/dialog.js';
import { number } from '../ui/format.js';
import { toast } from '../ui/toast.js';

const walkPageSize = 500;
const batchSize = 1000;
const maxRetries = 3;

const outcomeWords = {
  terminated: (n) => `${number(n)} ended`,
  not_active: (n) => `${number(n)} ${n === 1 ? 'was' : 'were'} no longer active`,
  not_found: (n) => `${number(n)} no longer ${n === 1 ? 'exists' : 'exist'}`,
  forbidden: (n) => `${number(n)} ${n === 1 ? 'is' : 'are'} outside your microtenant`,
};
const outcomeLabels = { terminated: 'Ended', not_active: 'No longer active', not_found: 'Not found', forbidden: 'Not allowed' };

/** "998 ended, 2 were no longer active". */
export function summarize(results) {
  const counts = {};
  for (const r of results) counts[r.outcome] = (counts[r.outcome] ?? 0) + 1;
  const order = ['terminated', 'not_active', 'not_found', 'forbidden'];
  const parts = order.filter((o) => counts[o]).map((o) => outcomeWords[o](counts[o]));
  for (const [o, n] of Object.entries(counts)) if (!order.includes(o)) parts.push(`${number(n)} ${o}`);
  return parts.join(', ') || 'Nothing was ended';
}

const sleep = (ms) => new Promise((resolve) => { setTimeout(resolve, ms); });

/** Retries a call that was rate-limited or hit a busy cluster, a bounded number of times. */
async function withRetry(run) {
  for (let attempt = 0; ; attempt += 1) {
    try {
      return await run();
    } catch (error) {
      const transient = error instanceof api.ApiError && (error.status === 429 || error.status === 503);
      if (!transient || attempt >= maxRetries) throw error;
      await sleep(api.retryDelayMs(error));
    }
  }
}

/**
 * Runs the bulk end. source: { ids } or { query } (the table's filters, walked by cursor).
 * panel: the element that shows progress and results. Resolves true when anything was sent.
 */
export async function bulkEnd(ctx, source, panel, expectedCount) {
  const progress = h('p', { class: 'bulk-progress', attrs: { role: 'status' } });
  const show = (...nodes) => { panel.hidden = false; replaceChildren(panel, ...nodes); };

  let ids = source.ids ? [...source.ids] : null;
  if (!ids) {
    show(h('div', { class: 'bulk-head' }, h('strong', null, 'Collecting the matching sessions…')), progress);
    try {
      ids = await collect(ctx, source.query, (n) => { progress.textContent = `${number(n)} of about ${number(expectedCount)} found`; });
    } catch (error) {
      if (error instanceof api.SignedOutError) return false;
      show(h('p', { class: 'callout callout-danger' }, `The matching sessions could not be listed: ${api.plainMessage(error)} Nothing was ended.`));
      return false;
    }
  }
  if (!ids.length) {
    panel.hidden = true;
    toast('No sessions match; nothing to end.', 'info');
    return false;
  }

  const own = ids.includes(ctx.me.sessionId);
  const ok = await confirm({
    title: `End ${number(ids.length)} ${ids.length === 1 ? 'session' : 'sessions'}?`,
    message: h('p', null, `The selected ${ids.length === 1 ? 'session ends' : 'sessions end'} at once; their tokens stop working everywhere. Sessions that have already ended are reported as such.`),
    warning: own ? { testid: 'own-session-warning', text: 'Your own console session is among them: ending it signs you out of the console.' } : null,
    okLabel: `End ${number(ids.length)} ${ids.length === 1 ? 'session' : 'sessions'}`,
    danger: true,
  });
  if (!ok) {
    panel.hidden = true;
    return false;
  }

  const results = [];
  let failure = null;
  show(h('div', { class: 'bulk-head' }, h('strong', null, 'Ending sessions…')), progress);
  for (let start = 0; start < ids.length; start += batchSize) {
    const batch = ids.slice(start, start + batchSize);
    progress.textContent = `${number(start)} of ${number(ids.length)} done`;
    try {
      const answer = await withRetry(() => api.post(api.tenantPath(ctx.tenantId, 'sessions', 'terminate'), { sessionIds: batch }));
      results.push(...answer.results);
    } catch (error) {
      if (error instanceof api.SignedOutError) return true;
      failure = { error, notSent: ids.length - start };
      break;
    }
  }
  renderResults(panel, results, failure);
  const summary = summarize(results);
  toast(failure ? `${summary}. Stopped early: ${api.plainMessage(failure.error)}` : `${summary}.`, failure ? 'error' : 'success');
  return true;
}

/** Every session id the filters match, by cursor (bounded by the total seen on the first page). */
async function collect(ctx, query, onProgress) {
  const ids = [];
  let cursor = null;
  let limit = null;
  for (let pageNo = 0; limit === null || pageNo < limit; pageNo += 1) {
    const q = { ...query, pageSize: walkPageSize };
    delete q.page;
    delete q.cursor;
    if (cursor) q.cursor = cursor;
    const page = await withRetry(() => api.get(api.tenantPath(ctx.tenantId, 'sessions'), q));
    // Sessions may be added while walking; a bound of the first total plus slack keeps the loop finite.
    if (limit === null) limit = Math.ceil(page.total / walkPageSize) + 10;
    ids.push(...page.items.map((s) => s.sessionId));
    onProgress(ids.length);
    if (!page.nextCursor) break;
    cursor = page.nextCursor;
  }
  return ids;
}

const maxListed = 2000;

function renderResults(panel, results, failure) {
  const close = button('Dismiss', { class: 'btn-small btn-ghost', on: { click: () => { panel.hidden = true; } } });
  const items = results.slice(0, maxListed).map((r) => h('li', { class: ['bulk-result', `outcome-${r.outcome}`], testid: 'bulk-result', data: { outcome: r.outcome, sessionId: r.sessionId } },
    h('span', { class: 'mono' }, r.sessionId),
    h('span', { class: ['tag', r.outcome === 'terminated' ? 'tag-status-active' : r.outcome === 'not_active' ? 'tag-status-terminated' : 'tag-status-expired'] }, outcomeLabels[r.outcome] ?? r.outcome)));
  const list = h('ul', { class: 'bulk-list' }, items);
  const more = results.length > maxListed ? h('p', { class: 'muted small' }, `and ${number(results.length - maxListed)} more (not listed).`) : null;
  const details = h('details', { class: 'bulk-details', open: results.length <= 50 },
    h('summary', null, `Outcome per session (${number(results.length)})`), list, more);
  replaceChildren(panel,
    h('div', { class: 'bulk-head' }, h('strong', { class: 'bulk-summary' }, `${summarize(results)}.`), close),
    failure ? h('p', { class: 'callout callout-danger' }, `Stopped early: ${api.plainMessage(failure.error)} ${number(failure.notSent)} sessions were not sent; try again.`) : null,
    details);
  panel.hidden = false;
}
