namespace SessionGrains.Silo.Audit;

/// <summary>The contract's names of the actions the audit log records, and of their outcomes.</summary>
public static class AuditActions
{
    /// <summary>One session ended by an administrator.</summary>
    public const string SessionTerminate = "session.terminate";
    /// <summary>Many sessions ended in one call.</summary>
    public const string SessionBulkTerminate = "session.bulk_terminate";
    /// <summary>Every session of a user ended.</summary>
    public const string UserLogout = "user.logout";
    /// <summary>A user denylisted, and their sessions ended.</summary>
    public const string UserDenylist = "user.denylist";
    /// <summary>A user taken off the denylist.</summary>
    public const string UserUndenylist = "user.undenylist";
    /// <summary>Every session of the tenant (or of one client) ended.</summary>
    public const string TenantLogoutAll = "tenant.logout_all";
    /// <summary>An API key created.</summary>
    public const string KeyCreate = "key.create";
    /// <summary>An API key deleted.</summary>
    public const string KeyDelete = "key.delete";
    /// <summary>The tenant's session policy changed.</summary>
    public const string PolicyUpdate = "policy.update";
    /// <summary>A tenant created.</summary>
    public const string TenantCreate = "tenant.create";
    /// <summary>A microtenant created.</summary>
    public const string MicrotenantCreate = "microtenant.create";
    /// <summary>A saved filter stored or replaced.</summary>
    public const string FilterSave = "filter.save";
    /// <summary>A saved filter deleted.</summary>
    public const string FilterDelete = "filter.delete";
    /// <summary>Sessions renewed: their tokens must be refreshed (with new claims).</summary>
    public const string SessionRenew = "session.renew";
    /// <summary>A client registered.</summary>
    public const string ClientCreate = "client.create";
    /// <summary>A client's registration changed.</summary>
    public const string ClientUpdate = "client.update";
    /// <summary>A client's registration removed.</summary>
    public const string ClientDelete = "client.delete";
    /// <summary>The tenant's signing key replaced by a new one.</summary>
    public const string SigningKeyRotate = "signing_key.rotate";
    /// <summary>A sign-in to the web console.</summary>
    public const string ConsoleSignIn = "console.sign_in";
    /// <summary>A sign-out of the web console.</summary>
    public const string ConsoleSignOut = "console.sign_out";

    /// <summary>Any 403 on an administration route; its details say which action was attempted.</summary>
    public const string AccessDenied = "access.denied";

    /// <summary>Every action name, for validating the log's <c>action</c> filter.</summary>
    public static IReadOnlySet<string> All { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        SessionTerminate, SessionBulkTerminate, UserLogout, UserDenylist, UserUndenylist, TenantLogoutAll, KeyCreate, KeyDelete,
        PolicyUpdate, TenantCreate, MicrotenantCreate, FilterSave, FilterDelete, ConsoleSignIn, ConsoleSignOut, SessionRenew,
        ClientCreate, ClientUpdate, ClientDelete, SigningKeyRotate,
        AccessDenied,
    };
}

/// <summary>How an audited action ended.</summary>
public static class AuditOutcomes
{
    /// <summary>It took effect.</summary>
    public const string Success = "success";

    /// <summary>The caller was refused (403).</summary>
    public const string Denied = "denied";

    /// <summary>It was attempted and did not take effect (not found, conflict, bad input, unavailable).</summary>
    public const string Failed = "failed";

    /// <summary>Every outcome name.</summary>
    public static IReadOnlySet<string> All { get; } = new HashSet<string>(StringComparer.Ordinal) { Success, Denied, Failed };
}
