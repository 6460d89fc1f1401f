// The statistics cards and the per-client list above the session table.
import * as api from '../api.js';
import { button, h, replaceChildren } from '../ui/dom.js';
import { currentMicrotenant, hashFor } from '../route.js';
import { duration, number } from '../ui/format.js';

const cards = [
  { testid: 'stat-total', label: 'Total sessions', value: (s) => number(s.total), sub: () => 'live and ended, within retention' },
  { testid: 'stat-active', label: 'Active sessions', value: (s) => number(s.active), sub: (s) => (s.total ? `${Math.round((s.active / s.total) * 100)}% of all sessions` : 'none yet') },
  { testid: 'stat-unique-users', label: 'Unique users', value: (s) => number(s.uniqueUsers), sub: () => 'across all sessions' },
  { testid: 'stat-active-users', label: 'Active users', value: (s) => number(s.activeUsers), sub: () => 'with at least one live session' },
  { testid: 'stat-average-duration', label: 'Average duration', value: (s) => duration(s.averageDurationSeconds), sub: () => 'mean session length so far' },
];

/**
 * The stats block. onEndClient(clientId) runs the "end all sessions of this client" action;
 * null hides the buttons (roles that may not use it).
 */
export function createStats(ctx, { onEndClient }) {
  const valueEls = new Map();
  const subEls = new Map();
  const cardEls = cards.map((c) => {
    const value = h('div', { class: 'stat-value skeleton' }, '—');
    const sub = h('div', { class: 'stat-sub muted' }, '');
    valueEls.set(c.testid, value);
    subEls.set(c.testid, sub);
    return h('section', { class: 'card stat', testid: c.testid, attrs: { 'aria-label': c.label } },
      h('div', { class: 'stat-label' }, c.label), value, sub);
  });
  const clientList = h('ul', { class: 'client-list', testid: 'client-stats' });
  const clientNote = h('p', { class: 'muted small' });
  const statsError = h('p', { class: 'callout callout-danger small', hidden: true, attrs: { role: 'alert' } });
  const clientsCard = h('section', { class: 'card clients-card', attrs: { 'aria-label': 'Sessions by client' } },
    h('div', { class: 'card-head' }, h('h2', { class: 'card-title' }, 'Sessions by client'), clientNote),
    clientList);

  const el = h('div', { class: 'stats-block' },
    h('div', { class: 'stats-grid' }, cardEls),
    statsError,
    clientsCard);

  let controller = null;

  async function load(microtenantId) {
    controller?.abort();
    controller = new AbortController();
    const signal = controller.signal;
    el.setAttribute('aria-busy', 'true');
    try {
      const stats = await api.get(api.tenantPath(ctx.tenantId, 'sessions', 'stats'), { microtenantId }, { signal });
      statsError.hidden = true;
      for (const c of cards) {
        const v = valueEls.get(c.testid);
        v.textContent = c.value(stats);
        v.classList.remove('skeleton');
        subEls.get(c.testid).textContent = c.sub(stats);
      }
      renderClients(stats.byClient ?? []);
      ctx.knownClients = (stats.byClient ?? []).map((c) => c.clientId);
    } catch (error) {
      if (error?.name === 'AbortError' || error instanceof api.SignedOutError) return;
      statsError.textContent = `Statistics could not be loaded: ${api.plainMessage(error)}`;
      statsError.hidden = false;
    } finally {
      if (!signal.aborted) el.removeAttribute('aria-busy');
    }
  }

  function renderClients(byClient) {
    clientNote.textContent = byClient.length ? `${number(byClient.length)} ${byClient.length === 1 ? 'client' : 'clients'}, most active first` : '';
    if (!byClient.length) {
      replaceChildren(clientList, h('li', { class: 'empty-inline muted' }, 'No sessions yet.'));
      return;
    }
    const max = Math.max(1, ...byClient.map((c) => c.total));
    replaceChildren(clientList, byClient.map((c) => {
      const bar = h('div', { class: 'client-bar' }, h('span', { class: 'client-bar-total' }), h('span', { class: 'client-bar-active' }));
      // Widths are data, set through the CSSOM (allowed by the style-src CSP, unlike style attributes).
      bar.children[0].style.width = `${(c.total / max) * 100}%`;
      bar.children[1].style.width = `${(c.active / max) * 100}%`;
      return h('li', { class: 'client-row', testid: 'client-row', data: { clientId: c.clientId } },
        h('div', { class: 'client-name' },
          h('a', { href: hashFor('/sessions', { mt: currentMicrotenant(), clientId: c.clientId, status: 'active' }), title: `Show the active sessions of ${c.clientId}` }, c.clientId)),
        bar,
        h('div', { class: 'client-counts num' },
          h('span', { class: 'client-active' }, `${number(c.active)} active`),
          h('span', { class: 'muted' }, ` · ${number(c.total)} total`)),
        onEndClient ? button('End all', {
          class: 'btn-small btn-danger-ghost', testid: 'client-end-all', disabled: c.active === 0,
          title: `End every session of client ${c.clientId}`, on: { click: () => onEndClient(c.clientId, c.active) },
        }) : null);
    }));
  }

  return { el, load, destroy: () => controller?.abort() };
}
