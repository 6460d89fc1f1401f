using SessionGrains.Tenants;

namespace SessionGrains.Silo.Api.Auth;

/// <summary>
/// Endpoint metadata: the roles of the route's tenant that may call an endpoint (the operator
/// always may). <see cref="TenantAccessFilter"/> reads it; an endpoint without it is the operator's only.
/// </summary>
public sealed class TenantRoles(params ApiKeyRole[] roles)
{
    /// <summary>The roles that may run the session lifecycle routes.</summary>
    public static TenantRoles Lifecycle { get; } = new(ApiKeyRole.Service, ApiKeyRole.TenantAdmin);

    /// <summary>The roles that may call the OAuth routes (introspection, revocation) as an OAuth client: service keys.</summary>
    public static TenantRoles OAuthClients { get; } = new(ApiKeyRole.Service);

    /// <summary>The roles that may ask forward auth: a gateway's service key (its key comes in <see cref="RequiresKeyInHeader"/>, which takes no operator key).</summary>
    public static TenantRoles Gateways { get; } = new(ApiKeyRole.Service);

    /// <summary>The roles that may read a tenant's administration data.</summary>
    public static TenantRoles Readers { get; } = new(ApiKeyRole.TenantAdmin, ApiKeyRole.Auditor);

    /// <summary>The roles that may change a tenant's settings and keys, or act tenant-wide.</summary>
    public static TenantRoles Admins { get; } = new(ApiKeyRole.TenantAdmin);

    /// <summary>The roles that may read sessions (a microtenant-scoped key sees its microtenant only).</summary>
    public static TenantRoles SessionReaders { get; } = new(ApiKeyRole.TenantAdmin, ApiKeyRole.Auditor, ApiKeyRole.MicrotenantAdmin);

    /// <summary>The roles that may end sessions (a microtenant admin, those of its microtenant only).</summary>
    public static TenantRoles SessionAdmins { get; } = new(ApiKeyRole.TenantAdmin, ApiKeyRole.MicrotenantAdmin);

    /// <summary>The roles allowed.</summary>
    public IReadOnlyCollection<ApiKeyRole> Roles { get; } = roles;
}
