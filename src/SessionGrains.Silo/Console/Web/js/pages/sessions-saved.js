// Saved filters (GET/PUT/DELETE /api/v1/me/filters): private to the signed-in key. The drop-down
// shows the saved filter the current view matches, so picking one and then changing a filter
// visibly leaves it.
import * as api from '../api.js';
import { button, h } from '../ui/dom.js';
import { confirm, openDialog } from '../ui/dialog.js';
import { toast } from '../ui/toast.js';
import { matchesQuery, queryOf } from './sessions-state.js';

const identifier = /^[A-Za-z0-9._@+-]{1,128}$/;

/** The saved-filter controls. getState() is the table's state; apply(query) shows a saved one. */
export function createSavedFilters(ctx, { getState, apply }) {
  let filters = [];
  const picker = h('select', { class: 'input input-compact', testid: 'saved-filters', attrs: { 'aria-label': 'Saved filters' } });
  const save = button('Save', { class: 'btn-small', testid: 'save-filter', title: 'Save the current search, filters and sort' });
  const remove = button('Delete', { class: 'btn-small btn-ghost', testid: 'delete-filter', title: 'Delete the selected saved filter', disabled: true });
  const el = h('div', { class: 'saved-filters', attrs: { role: 'group', 'aria-label': 'Saved filters' } }, picker, save, remove);

  function renderOptions() {
    const state = getState();
    const match = filters.find((f) => matchesQuery(state, f.query));
    picker.replaceChildren(h('option', { value: '' }, filters.length ? 'Saved filters…' : 'No saved filters'));
    for (const f of filters) picker.appendChild(h('option', { value: f.name }, f.name));
    picker.value = match?.name ?? '';
    remove.disabled = !match;
    picker.disabled = filters.length === 0;
  }

  async function load() {
    try {
      // A key holds at most 100 filters, so one page of 100 is all of them.
      const list = await api.get('/api/v1/me/filters', { pageSize: 100 });
      filters = list.items;
    } catch (error) {
      if (error instanceof api.SignedOutError) return;
      picker.title = `Saved filters could not be loaded: ${api.plainMessage(error)}`;
    }
    renderOptions();
  }

  picker.addEventListener('change', () => {
    const chosen = filters.find((f) => f.name === picker.value);
    if (chosen) apply(chosen.query);
  });

  save.addEventListener('click', async () => {
    const current = filters.find((f) => matchesQuery(getState(), f.query));
    const values = await openDialog({
      title: 'Save this view as a filter',
      message: h('p', null, 'Saves the current search, filters, sort and page size under a name only your key sees.'),
      fields: [{
        name: 'name', label: 'Name', testid: 'save-filter-name', value: current?.name ?? '', maxLength: 128,
        placeholder: 'e.g. active-admins', hint: 'Letters, digits and . _ @ + - (no spaces). An existing name is replaced.',
      }],
      okLabel: 'Save filter',
      testid: 'save-filter-dialog',
      okTestId: 'save-filter-confirm',
      validate: ({ name }) => (identifier.test(name) ? null : 'Use 1 to 128 letters, digits or . _ @ + - (no spaces).'),
      action: async ({ name }) => {
        try {
          await api.put(`/api/v1/me/filters/${encodeURIComponent(name)}`, { query: queryOf(getState()) });
        } catch (error) {
          if (error instanceof api.SignedOutError) return;
          throw new Error(error instanceof api.ApiError && error.code === 'filter_limit_reached'
            ? 'You already have 100 saved filters. Delete one first.'
            : api.plainMessage(error));
        }
      },
    });
    if (!values) return;
    toast(`Filter “${values.name}” saved.`, 'success');
    await load();
  });

  remove.addEventListener('click', async () => {
    const chosen = filters.find((f) => f.name === picker.value);
    if (!chosen) return;
    const ok = await confirm({
      title: 'Delete this saved filter?',
      message: h('p', null, 'The saved filter ', h('strong', null, chosen.name), ' is deleted. The sessions it shows are not affected.'),
      okLabel: 'Delete filter',
      danger: true,
    });
    if (!ok) return;
    try {
      await api.del(`/api/v1/me/filters/${encodeURIComponent(chosen.name)}`);
      toast(`Filter “${chosen.name}” deleted.`, 'success');
    } catch (error) {
      if (error instanceof api.SignedOutError) return;
      toast(`The filter could not be deleted: ${api.plainMessage(error)}`, 'error');
    }
    await load();
  });

  return { el, load, sync: renderOptions };
}
