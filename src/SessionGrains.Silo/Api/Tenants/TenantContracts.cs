using SessionGrains.Tenants;

namespace SessionGrains.Silo.Api.Tenants;

/// <summary>Body of <c>POST /api/v1/tenants</c>.</summary>
public sealed record CreateTenantRequest(string? TenantId, string? Name);

/// <summary>A tenant's policy on the wire; every field is required on <c>PUT</c>.</summary>
public sealed record PolicyDto(
    int? IdleTimeoutSeconds,
    int? AbsoluteLifetimeSeconds,
    int? MaxSessionsPerUser,
    string? OnSessionLimit,
    int? RefreshReuseGraceSeconds)
{
    public static PolicyDto From(TenantPolicy p) => new(
        p.IdleTimeoutSeconds, p.AbsoluteLifetimeSeconds, p.MaxSessionsPerUser, p.OnSessionLimit.Name(), p.RefreshReuseGraceSeconds);
}

/// <summary>A tenant on the wire.</summary>
public sealed record TenantDto(string TenantId, string Name, DateTimeOffset CreatedAt, PolicyDto Policy, int IndexShards)
{
    public static TenantDto From(TenantInfo t) => new(t.TenantId, t.Name, t.CreatedAt, PolicyDto.From(t.Policy), t.SessionTableShards);
}

/// <summary>Body of <c>POST /api/v1/tenants/{tenantId}/api-keys</c>.</summary>
public sealed record CreateApiKeyRequest(string? Name, string? Role, string? MicrotenantId);

/// <summary>An API key on the wire, without its secret.</summary>
public sealed record ApiKeyDto(string KeyId, string Name, string Role, string? MicrotenantId, DateTimeOffset CreatedAt)
{
    public static ApiKeyDto From(ApiKeyInfo k) => new(k.KeyId, k.Name, k.Role.Name(), k.MicrotenantId, k.CreatedAt);
}

/// <summary>A created API key: the only response that carries the secret <c>key</c>.</summary>
public sealed record CreatedApiKeyDto(string KeyId, string Key, string Name, string Role, string? MicrotenantId, DateTimeOffset CreatedAt);
