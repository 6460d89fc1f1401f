using SessionGrains.Sessions;
using SessionGrains.Tenants;

namespace SessionGrains;

/// <summary>
/// The contract's spelling of each enum value, both ways. One table per enum, for the HTTP layer
/// and for whatever else names them (the metrics' tags), so every surface spells them alike.
/// </summary>
public static class WireNames
{
    private static readonly Dictionary<ApiKeyRole, string> Roles = new()
    {
        [ApiKeyRole.TenantAdmin] = "tenant-admin",
        [ApiKeyRole.Auditor] = "auditor",
        [ApiKeyRole.Service] = "service",
        [ApiKeyRole.MicrotenantAdmin] = "microtenant-admin",
    };

    private static readonly Dictionary<SessionLimitAction, string> LimitActions = new()
    {
        [SessionLimitAction.Deny] = "deny",
        [SessionLimitAction.EvictOldest] = "evict-oldest",
    };

    private static readonly Dictionary<SessionKind, string> Kinds = new()
    {
        [SessionKind.User] = "user",
        [SessionKind.Admin] = "admin",
        [SessionKind.ApiKey] = "api-key",
    };

    private static readonly Dictionary<SessionStatus, string> Statuses = new()
    {
        [SessionStatus.Active] = "active",
        [SessionStatus.Terminated] = "terminated",
        [SessionStatus.Expired] = "expired",
    };

    private static readonly Dictionary<EndReason, string> EndReasons = new()
    {
        [EndReason.UserLogout] = "user_logout",
        [EndReason.AdminTerminated] = "admin_terminated",
        [EndReason.UserLogoutAll] = "user_logout_all",
        [EndReason.Denylisted] = "denylisted",
        [EndReason.TenantLogoutAll] = "tenant_logout_all",
        [EndReason.IdleTimeout] = "idle_timeout",
        [EndReason.MaxLifetime] = "max_lifetime",
        [EndReason.TokenReuse] = "token_reuse",
        [EndReason.Evicted] = "evicted",
    };

    private static readonly Dictionary<InactiveReason, string> InactiveReasons = new()
    {
        [InactiveReason.Unknown] = "unknown",
        [InactiveReason.Terminated] = "terminated",
        [InactiveReason.Expired] = "expired",
        [InactiveReason.RenewalRequired] = "renewal_required",
    };

    /// <summary>The roles a key can be created with.</summary>
    public static IEnumerable<string> CreatableRoles => Roles.Values;

    public static string Name(this ApiKeyRole value) => Roles[value];
    public static string Name(this SessionLimitAction value) => LimitActions[value];
    public static string Name(this SessionKind value) => Kinds[value];
    public static string Name(this SessionStatus value) => Statuses[value];
    public static string Name(this EndReason value) => EndReasons[value];
    public static string Name(this InactiveReason value) => InactiveReasons[value];

    public static bool TryParse(string? name, out ApiKeyRole value) => TryParse(Roles, name, out value);
    public static bool TryParse(string? name, out SessionLimitAction value) => TryParse(LimitActions, name, out value);
    public static bool TryParse(string? name, out SessionKind value) => TryParse(Kinds, name, out value);

    private static bool TryParse<T>(Dictionary<T, string> table, string? name, out T value) where T : struct
    {
        foreach (var (key, text) in table)
        {
            if (text == name)
            {
                value = key;
                return true;
            }
        }

        value = default;
        return false;
    }
}
