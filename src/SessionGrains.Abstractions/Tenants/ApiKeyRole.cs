namespace SessionGrains.Tenants;

/// <summary>The role an API key grants within its tenant.</summary>
public enum ApiKeyRole
{
    /// <summary>Everything in the tenant, keys and policy included.</summary>
    TenantAdmin,

    /// <summary>Read-only access to lists, stats, details and the audit log.</summary>
    Auditor,

    /// <summary>The session lifecycle routes only: create, validate, refresh, logout.</summary>
    Service,

    /// <summary>Sessions of one microtenant only.</summary>
    MicrotenantAdmin,
}
