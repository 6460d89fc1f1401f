// The console's state-changing actions, each behind a confirmation, each ending in a message in
// plain words. They resolve true when something changed (so the page reloads), false otherwise.
import * as api from './api.js';
import { h } from './ui/dom.js';
import { confirm, openDialog } from './ui/dialog.js';
import { number, plural } from './ui/format.js';
import { toast } from './ui/toast.js';

const ownWarning = {
  testid: 'own-session-warning',
  text: 'This is your own console session. Ending it signs you out of the console.',
};

function who(session) {
  return session.userEmail || session.userId;
}

/** Runs an API call; a failure becomes an error toast (false), a sign-out ends quietly. */
async function attempt(run, failurePrefix) {
  try {
    return await run();
  } catch (error) {
    if (error instanceof api.SignedOutError) return false;
    toast(`${failurePrefix}: ${api.plainMessage(error)}`, 'error');
    return false;
  }
}

/** Ends one session after a confirmation (with a warning when it is the admin's own). */
export async function terminateSession(ctx, session) {
  const own = session.sessionId === ctx.me.sessionId;
  const ok = await confirm({
    title: 'End this session?',
    message: h('p', null,
      'The session of ', h('strong', null, who(session)),
      session.sessionName ? ` (${session.sessionName})` : '',
      ' ends at once; its tokens stop working everywhere.'),
    warning: own ? ownWarning : null,
    okLabel: 'End session',
    danger: true,
  });
  if (!ok) return false;
  return attempt(async () => {
    try {
      await api.del(api.tenantPath(ctx.tenantId, 'sessions', session.sessionId));
    } catch (error) {
      if (error instanceof api.ApiError && error.code === 'session_not_active') {
        toast('That session had already ended.', 'info');
        return true;
      }
      throw error;
    }
    toast(`Session of ${who(session)} ended.`, 'success');
    return true;
  }, 'The session could not be ended');
}

/** Ends every live session of a user. */
export async function logoutUser(ctx, userId) {
  const ok = await confirm({
    title: 'Log this user out everywhere?',
    message: h('p', null, 'Every live session of ', h('strong', null, userId), ctx.me.microtenantId ? ` in microtenant ${ctx.me.microtenantId}` : '', ' ends now.'),
    okLabel: 'Log out everywhere',
    danger: true,
  });
  if (!ok) return false;
  return attempt(async () => {
    const result = await api.post(api.tenantPath(ctx.tenantId, 'users', userId, 'logout'));
    toast(result.terminated === 0
      ? `${userId} had no live sessions; nothing ended.`
      : `${userId} is logged out everywhere: ${plural(result.terminated, 'session')} ended.`, 'success');
    return true;
  }, 'The user could not be logged out');
}

/** Adds a user to the denylist with a reason (ends their sessions, refuses new sign-ins). */
export async function denylistUser(ctx, userId) {
  let outcome = null;
  const values = await openDialog({
    title: 'Add to the denylist?',
    message: h('p', null, 'Every session of ', h('strong', null, userId), ' ends, and new sign-ins are refused until the entry is removed.'),
    fields: [{ name: 'reason', label: 'Reason', testid: 'denylist-reason', type: 'textarea', maxLength: 500, placeholder: 'e.g. stolen laptop' }],
    okLabel: 'Add to denylist',
    danger: true,
    action: async ({ reason }) => {
      try {
        outcome = await api.put(api.tenantPath(ctx.tenantId, 'users', userId, 'denylist'), { reason: reason || null });
      } catch (error) {
        if (error instanceof api.SignedOutError) return;
        throw new Error(api.plainMessage(error));
      }
    },
  });
  if (!values || !outcome) return false;
  toast(`${userId} is on the denylist; ${plural(outcome.terminated, 'session')} ended.`, 'success');
  return true;
}

/** Removes a user from the denylist. */
export async function undenylistUser(ctx, userId) {
  const ok = await confirm({
    title: 'Remove from the denylist?',
    message: h('p', null, h('strong', null, userId), ' will be able to sign in again.'),
    okLabel: 'Remove from denylist',
  });
  if (!ok) return false;
  return attempt(async () => {
    try {
      await api.del(api.tenantPath(ctx.tenantId, 'users', userId, 'denylist'));
    } catch (error) {
      if (error instanceof api.ApiError && error.code === 'user_not_denylisted') {
        toast(`${userId} is not on the denylist.`, 'info');
        return false;
      }
      throw error;
    }
    toast(`${userId} was removed from the denylist.`, 'success');
    return true;
  }, 'The denylist entry could not be removed');
}

/** Ends every session of the tenant; the tenant id must be typed to confirm. */
export async function logoutAllTenant(ctx) {
  const ok = await confirm({
    title: 'Log out the whole tenant?',
    message: h('div', null,
      h('p', null, 'Every session of tenant ', h('strong', null, ctx.tenantId), ' created until now ends, on every client and microtenant. New sign-ins are not affected.'),
      h('p', null, 'Type the tenant id to confirm.')),
    warning: { testid: 'own-session-warning', text: 'Your own console session ends too: you will be signed out.' },
    fields: [{ name: 'tenantId', label: 'Tenant id', testid: 'confirm-input', placeholder: ctx.tenantId }],
    requireText: ctx.tenantId,
    okLabel: 'Log out every session',
    danger: true,
  });
  if (!ok) return false;
  return attempt(async () => {
    await api.post(api.tenantPath(ctx.tenantId, 'logout-all'), { clientId: null });
    toast('Every session of the tenant was ended.', 'success');
    return true;
  }, 'Logout-all failed');
}

/** Ends every session of one client (logout-all with a clientId). */
export async function endClientSessions(ctx, clientId, active) {
  const own = clientId === api.consoleClientId;
  const ok = await confirm({
    title: `End all sessions of ${clientId}?`,
    message: h('p', null, 'Every session of client ', h('strong', null, clientId), ` created until now ends (${number(active)} active now).`),
    warning: own ? { testid: 'own-session-warning', text: 'Console sessions, yours included, end: you will be signed out.' } : null,
    okLabel: 'End all sessions',
    danger: true,
  });
  if (!ok) return false;
  return attempt(async () => {
    await api.post(api.tenantPath(ctx.tenantId, 'logout-all'), { clientId });
    toast(`Every session of client ${clientId} was ended.`, 'success');
    return true;
  }, `The sessions of ${clientId} could not be ended`);
}
