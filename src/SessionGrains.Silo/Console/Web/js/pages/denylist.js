// The denylist (GET …/denylist): users refused at sign-in, with their reason; tenant admins add
// and remove entries here too.
import * as api from '../api.js';
import { hashFor, navigate } from '../route.js';
import { button, field, h, none, replaceChildren } from '../ui/dom.js';
import { dateTime, number, plural, relative } from '../ui/format.js';
import { undenylistUser } from '../actions.js';
import { toast } from '../ui/toast.js';

const pageSize = 50;
const identifier = /^[A-Za-z0-9._@+-]{1,128}$/;

/** Mounts the denylist page. */
export function mount(ctx, route) {
  let page = Math.max(1, Number(route.params.get('page')) || 1);
  let controller = null;
  const canChange = ctx.can('denylistChange');

  const table = h('table', { class: 'table', testid: 'denylist-table' });
  const stateBox = h('div', { class: 'table-state' });
  const loadingEl = h('div', { class: 'table-loading', testid: 'table-loading', attrs: { role: 'status' } }, h('span', { class: 'spinner spinner-small' }), 'Loading the denylist…');
  const total = h('span', { class: 'total num', testid: 'denylist-total' });
  const pageInfo = h('span', { class: 'page-info num' });
  const prev = button('‹ Previous', { class: 'btn-small', on: { click: () => goTo(page - 1) } });
  const next = button('Next ›', { class: 'btn-small', on: { click: () => goTo(page + 1) } });

  let addForm = null;
  if (canChange) {
    const user = h('input', { type: 'text', class: 'input', testid: 'denylist-add-user', placeholder: 'User ID', autocomplete: 'off', maxLength: 128 });
    const reason = h('input', { type: 'text', class: 'input', testid: 'denylist-add-reason', placeholder: 'e.g. stolen laptop', maxLength: 500 });
    const add = h('button', { type: 'submit', class: 'btn btn-danger btn-small', testid: 'denylist-add' }, 'Add to denylist');
    const error = h('p', { class: 'form-error', hidden: true, attrs: { role: 'alert' } });
    addForm = h('form', { class: 'card add-form', noValidate: true },
      h('h2', { class: 'card-title' }, 'Add a user'),
      h('p', { class: 'muted small' }, 'Every session of the user ends, and new sign-ins are refused until the entry is removed.'),
      h('div', { class: 'add-grid' }, field('User ID', user), field('Reason', reason), h('div', { class: 'field field-action' }, add)),
      error);
    addForm.addEventListener('submit', async (e) => {
      e.preventDefault();
      const userId = user.value.trim();
      error.hidden = true;
      if (!identifier.test(userId)) {
        error.textContent = 'Enter a user ID: 1 to 128 letters, digits or . _ @ + - (no spaces).';
        error.hidden = false;
        return;
      }
      add.disabled = true;
      try {
        const result = await api.put(api.tenantPath(ctx.tenantId, 'users', userId, 'denylist'), { reason: reason.value.trim() || null });
        toast(`${userId} is on the denylist; ${plural(result.terminated, 'session')} ended.`, 'success');
        user.value = '';
        reason.value = '';
        load();
      } catch (err) {
        if (err instanceof api.SignedOutError) return;
        error.textContent = api.plainMessage(err);
        error.hidden = false;
      } finally {
        add.disabled = false;
      }
    });
  }

  const el = h('div', { class: 'denylist-page' },
    h('div', { class: 'page-head' }, h('div', null, h('h1', null, 'Denylist'),
      h('p', { class: 'page-subtitle muted' }, 'Users who may not sign in to any client of this tenant.'))),
    addForm,
    h('section', { class: 'card table-card' },
      h('div', { class: 'table-wrap' }, table, loadingEl), stateBox,
      h('div', { class: 'table-footer' }, h('div', { class: 'footer-left' }, total),
        h('div', { class: 'footer-right' }, pageInfo, h('div', { class: 'pager' }, prev, next)))));

  function goTo(p) {
    navigate(hashFor('/denylist', { mt: route.params.get('mt'), page: p > 1 ? p : '' }));
  }

  async function load() {
    controller?.abort();
    controller = new AbortController();
    const { signal } = controller;
    table.after(loadingEl);
    let list = null;
    let error = null;
    try {
      list = await api.get(api.tenantPath(ctx.tenantId, 'denylist'), { page, pageSize }, { signal });
    } catch (e) {
      if (e?.name === 'AbortError' || e instanceof api.SignedOutError) return;
      error = e;
    }
    loadingEl.remove();
    const items = list?.items ?? [];
    table.replaceChildren(
      h('thead', null, h('tr', null, h('th', { scope: 'col' }, 'User ID'), h('th', { scope: 'col' }, 'Reason'), h('th', { scope: 'col' }, 'Added'),
        canChange ? h('th', { scope: 'col', class: 'col-actions' }, h('span', { class: 'sr-only' }, 'Actions')) : null)),
      h('tbody', null, items.map((d) => h('tr', { class: 'denylist-row', testid: 'denylist-row', data: { userId: d.userId } },
        h('td', null, h('a', { href: hashFor('/sessions', { userId: d.userId, mt: route.params.get('mt') }), class: 'mono', title: `Sessions of ${d.userId}` }, d.userId)),
        h('td', { class: 'reason' }, d.reason || none()),
        h('td', { class: 'nowrap' }, h('time', { dateTime: d.createdAt, title: dateTime(d.createdAt) }, relative(d.createdAt))),
        canChange ? h('td', { class: 'col-actions' }, button('Remove', {
          class: 'btn-small btn-ghost', testid: 'denylist-remove',
          on: { click: async () => { if (await undenylistUser(ctx, d.userId)) load(); } },
        })) : null))));
    if (error) {
      replaceChildren(stateBox, h('div', { class: 'state state-error', testid: 'table-error', attrs: { role: 'alert' } },
        h('strong', null, 'The denylist could not be loaded.'), h('p', null, api.plainMessage(error)),
        h('div', { class: 'state-actions' }, button('Try again', { class: 'btn-small', on: { click: () => load() } }))));
    } else if (!items.length) {
      replaceChildren(stateBox, h('div', { class: 'state', testid: 'table-empty' },
        h('strong', null, list?.total ? 'This page is past the end of the list.' : 'Nobody is on the denylist.'),
        h('p', { class: 'muted' }, canChange ? 'Add a user above, or from a session\'s details page.' : 'Denylisted users appear here.')));
    } else {
      stateBox.replaceChildren();
    }
    const t = list?.total ?? 0;
    total.textContent = `Total ${number(t)} items`;
    pageInfo.textContent = `Page ${number(page)} of ${number(Math.max(1, Math.ceil(t / pageSize)))}`;
    prev.disabled = page <= 1;
    next.disabled = page * pageSize >= t;
  }

  load();

  return {
    el,
    update(next) {
      page = Math.max(1, Number(next.params.get('page')) || 1);
      load();
    },
    destroy() { controller?.abort(); },
  };
}
