// What each role may do, from docs/api.md "Roles by route". Buttons a role may not use are not
// rendered at all (the API refuses them anyway).

const matrix = {
  'tenant-admin': {
    terminate: true, bulkEnd: true, userLogout: true, denylistChange: true, logoutAll: true,
    clientEndAll: true, readAudit: true, readDenylist: true, switchMicrotenant: true,
  },
  'microtenant-admin': {
    terminate: true, bulkEnd: true, userLogout: true, denylistChange: false, logoutAll: false,
    clientEndAll: false, readAudit: false, readDenylist: false, switchMicrotenant: false,
  },
  auditor: {
    terminate: false, bulkEnd: false, userLogout: false, denylistChange: false, logoutAll: false,
    clientEndAll: false, readAudit: true, readDenylist: true, switchMicrotenant: true,
  },
};

/** Whether the signed-in console session may do an action. */
export function can(me, action) {
  const allowed = matrix[me?.role]?.[action] ?? false;
  if (!allowed) return false;
  // A scoped key (an auditor naming a microtenant) gets 403 on tenant-wide reads and has only
  // its own microtenant to look at.
  if (me.microtenantId && (action === 'readDenylist' || action === 'switchMicrotenant')) return false;
  return true;
}
