using SessionGrains.Tenants;

namespace SessionGrains.Silo.Api.Auth;

/// <summary>Who is calling: the operator, or the holder of one tenant's API key.</summary>
public sealed record Caller(bool IsOperator, string? TenantId, ApiKeyRole? Role, string? MicrotenantId, string? KeyId)
{
    /// <summary>The operator: every tenant, every route.</summary>
    public static Caller Operator { get; } = new(true, null, null, null, null);

    /// <summary>True when this caller may act on <paramref name="tenantId"/> with one of <paramref name="roles"/>.</summary>
    public bool May(string tenantId, IReadOnlyCollection<ApiKeyRole> roles) =>
        IsOperator || (TenantId == tenantId && Role is { } role && roles.Contains(role));
}
