namespace SessionGrains.Tenants;

/// <summary>
/// Which roles a key may hold with a microtenant: required for a microtenant admin, optional for
/// an auditor or a service, refused for a tenant admin, whose role is the tenant-wide one — a
/// tenant admin scoped to a microtenant would either be a second microtenant admin or a way
/// around its scope.
/// </summary>
public static class ApiKeyScope
{
    /// <summary>Why <paramref name="role"/> cannot go with <paramref name="microtenantId"/>; null when it can.</summary>
    public static string? Refusal(ApiKeyRole role, string? microtenantId) => (role, microtenantId) switch
    {
        (ApiKeyRole.MicrotenantAdmin, null) => "is required for a microtenant-admin key.",
        (ApiKeyRole.TenantAdmin, not null) => "is not allowed for a tenant-admin key, which acts on the whole tenant.",
        _ => null,
    };
}
