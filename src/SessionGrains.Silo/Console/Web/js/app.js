// The console's entry point: checks for a live console session, shows the sign-in page or the
// shell, and routes the hash to a page. Each page is a module with mount(ctx, route) returning
// { el, update(route)?, destroy()? }; a change within the same page calls update, so typing in
// the search box never rebuilds the page under the cursor.
import * as api from './api.js';
import { can } from './roles.js';
import { current, hashFor, navigate, onRoute } from './route.js';
import { h, replaceChildren, select } from './ui/dom.js';
import { role as roleName } from './ui/format.js';
import { toast } from './ui/toast.js';
import { renderSignIn } from './pages/signin.js';
import * as sessionsPage from './pages/sessions.js';
import * as detailsPage from './pages/details.js';
import * as auditPage from './pages/audit.js';
import * as denylistPage from './pages/denylist.js';

const root = document.getElementById('app');
let shell = null;

api.onUnauthorized(() => showSignIn('Your console session has ended. Sign in again.'));

function showSignIn(notice, error) {
  shell?.destroy();
  shell = null;
  document.title = 'Sign in · SessionGrains Console';
  renderSignIn(root, { notice, error, onSignedIn: startShell });
}

async function boot() {
  try {
    const me = await api.get('/api/v1/console/session', undefined, { expectUnauthorized: true });
    startShell(me);
  } catch (error) {
    if (error instanceof api.ApiError && error.status === 401) showSignIn();
    else showSignIn(undefined, api.plainMessage(error));
  }
}

function startShell(me) {
  api.setCsrfToken(me.csrfToken);
  shell?.destroy();
  shell = createShell(me);
  onRoute(() => shell?.render());
  shell.render();
}

/** The page a route shows, by its first segment. */
function pageFor(route, me) {
  const [first, second] = route.segments;
  if (first === 'sessions' && second) return { key: 'details', module: detailsPage, title: 'Session details' };
  if (first === 'audit' && can(me, 'readAudit')) return { key: 'audit', module: auditPage, title: 'Audit log' };
  if (first === 'denylist' && can(me, 'readDenylist')) return { key: 'denylist', module: denylistPage, title: 'Denylist' };
  if (first === 'sessions') return { key: 'sessions', module: sessionsPage, title: 'Sessions' };
  return null;
}

function createShell(me) {
  const ctx = {
    me,
    tenantId: me.tenantId,
    can: (action) => can(me, action),
    // The last sessions view, so "Back to sessions" returns to the same filters and page.
    lastSessionsHash: sessionStorage.getItem('sg.lastSessionsHash') || '#/sessions',
    microtenants: [],
  };

  const navLink = (testid, label, path) => h('a', { class: 'nav-link', testid, href: `#${path}`, data: { path } }, label);
  const nav = h('nav', { class: 'nav', attrs: { 'aria-label': 'Main' } },
    navLink('nav-sessions', 'Sessions', '/sessions'),
    ctx.can('readAudit') ? navLink('nav-audit', 'Audit log', '/audit') : null,
    ctx.can('readDenylist') ? navLink('nav-denylist', 'Denylist', '/denylist') : null);

  let switcher = null;
  if (ctx.can('switchMicrotenant')) {
    switcher = select([['', 'All microtenants']], {
      class: 'input input-compact', testid: 'microtenant-switcher', attrs: { 'aria-label': 'Microtenant' },
      on: { change: () => switchMicrotenant(switcher.value) },
    });
    loadMicrotenants(ctx, switcher);
  }

  const signOut = h('button', { type: 'button', class: 'btn btn-ghost', testid: 'signout' }, 'Sign out');
  signOut.addEventListener('click', async () => {
    signOut.disabled = true;
    try {
      await api.del('/api/v1/console/session');
    } catch (error) {
      if (error instanceof api.SignedOutError) return;
      signOut.disabled = false;
      toast(`Could not sign out: ${api.plainMessage(error)}`, 'error');
      return;
    }
    api.setCsrfToken(null);
    showSignIn('You have signed out.');
  });

  const whoami = h('div', { class: 'whoami', testid: 'whoami', title: `Key ${me.keyId}` },
    h('span', { class: 'whoami-name' }, me.keyName || me.keyId),
    h('span', { class: 'tag tag-neutral' }, roleName(me.role)),
    me.microtenantId ? h('span', { class: 'whoami-scope' }, `Microtenant ${me.microtenantId}`) : null);

  const pageHost = h('main', { class: 'page', id: 'page', tabIndex: -1 });
  const layout = h('div', { class: 'layout' },
    h('aside', { class: 'sidebar' },
      h('a', { class: 'brand', href: '#/sessions' },
        h('span', { class: 'brand-mark', attrs: { 'aria-hidden': 'true' } }, 'SG'),
        h('span', { class: 'brand-text' }, h('strong', null, 'SessionGrains'), h('span', null, 'Console'))),
      h('div', { class: 'tenant-badge', title: 'Tenant' }, h('span', { class: 'muted' }, 'Tenant'), h('strong', null, me.tenantId)),
      nav),
    h('div', { class: 'main' },
      h('header', { class: 'topbar' },
        h('div', { class: 'topbar-left' }, switcher ? h('label', { class: 'switcher' }, h('span', { class: 'muted' }, 'Microtenant'), switcher) : null),
        h('div', { class: 'topbar-right' }, whoami, signOut)),
      pageHost));
  replaceChildren(root, layout);

  let active = null; // { key, page }

  function render() {
    const route = current();
    const target = pageFor(route, me);
    if (!target) {
      navigate(hashFor('/sessions', { mt: route.params.get('mt') }), { replace: true });
      return;
    }
    for (const link of nav.querySelectorAll('.nav-link')) {
      const on = (link.dataset.path === '/sessions' && (target.key === 'sessions' || target.key === 'details'))
        || link.dataset.path === `/${target.key}`;
      link.classList.toggle('active', on);
      if (on) link.setAttribute('aria-current', 'page'); else link.removeAttribute('aria-current');
      // Links keep the chosen microtenant.
      const mt = route.params.get('mt');
      link.href = hashFor(link.dataset.path, { mt });
    }
    if (switcher) {
      switcher.value = route.params.get('mt') ?? '';
      if (switcher.value !== (route.params.get('mt') ?? '')) switcher.value = '';
      // The switcher narrows sessions and stats; the audit log and denylist are tenant-wide.
      switcher.disabled = target.key === 'audit' || target.key === 'denylist';
      switcher.title = switcher.disabled ? 'The microtenant applies to the session pages' : '';
    }
    if (target.key === 'sessions') {
      ctx.lastSessionsHash = location.hash || '#/sessions';
      sessionStorage.setItem('sg.lastSessionsHash', ctx.lastSessionsHash);
    }
    document.title = `${target.title} · SessionGrains Console`;
    if (active && active.key === target.key && active.page.update) {
      active.page.update(route);
      return;
    }
    active?.page.destroy?.();
    const page = target.module.mount(ctx, route);
    active = { key: target.key, page };
    replaceChildren(pageHost, page.el);
    window.scrollTo(0, 0);
  }

  function switchMicrotenant(mt) {
    const route = current();
    const params = Object.fromEntries(route.params.entries());
    params.mt = mt;
    // A new scope starts from the first page, with nothing selected.
    delete params.page;
    delete params.cursor;
    navigate(hashFor(route.path, params));
  }

  return {
    render,
    destroy() {
      active?.page.destroy?.();
      active = null;
    },
  };
}

async function loadMicrotenants(ctx, switcher) {
  try {
    const list = await api.get(api.tenantPath(ctx.tenantId, 'microtenants'), { pageSize: 500 });
    ctx.microtenants = list.items;
    const chosen = current().params.get('mt') ?? '';
    for (const m of list.items) {
      switcher.appendChild(h('option', { value: m.microtenantId }, m.name && m.name !== m.microtenantId ? `${m.name} (${m.microtenantId})` : m.microtenantId));
    }
    switcher.value = chosen;
  } catch (error) {
    if (error instanceof api.SignedOutError) return;
    switcher.title = `Microtenants could not be loaded: ${api.plainMessage(error)}`;
  }
}

window.addEventListener('hashchange', () => shell?.render());
boot();
