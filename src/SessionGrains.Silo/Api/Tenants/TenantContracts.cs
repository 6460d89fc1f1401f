using SessionGrains.Silo.Api.Audit;
using SessionGrains.Silo.Api.Problems;
using SessionGrains.Tenants;

namespace SessionGrains.Silo.Api.Tenants;

/// <summary>Body of <c>POST /api/v1/tenants</c>.</summary>
public sealed record CreateTenantRequest(string? TenantId, string? Name) : IValidatable, IAuditable
{
    /// <inheritdoc/>
    public void Describe(AuditDescription audit)
    {
        audit.Target = TenantId;
        audit.Details["name"] = Name;
    }

    /// <summary>Longest tenant (and microtenant) display name.</summary>
    public const int MaxNameLength = 200;

    /// <inheritdoc/>
    public void Validate(Validator validator)
    {
        validator.Identifier("tenantId", TenantId);
        validator.Text("name", Name, MaxNameLength, required: true);
    }
}

/// <summary>
/// A tenant's policy on the wire; every field is required on <c>PUT</c> but
/// <see cref="SessionCookieName"/>, which came later: a <c>PUT</c> without it keeps the stored one.
/// </summary>
public sealed record PolicyDto(
    int? IdleTimeoutSeconds,
    int? AbsoluteLifetimeSeconds,
    int? MaxSessionsPerUser,
    string? OnSessionLimit,
    int? RefreshReuseGraceSeconds,
    string? SessionCookieName = null) : IValidatable, IAuditable
{
    private const int MaxSeconds = 366 * 24 * 3600;

    /// <summary>Longest <see cref="SessionCookieName"/>.</summary>
    public const int MaxCookieNameLength = 64;

    /// <summary>The separators RFC 9110 §5.6.2 keeps out of a token (RFC 6265's cookie-name).</summary>
    private const string Separators = "\"(),/:;<=>?@[\\]{}";

    /// <inheritdoc/>
    /// <remarks>The policy asked for, and on success the one stored (the answer describes itself last).</remarks>
    public void Describe(AuditDescription audit) => audit.Details["policy"] = this;

    public static PolicyDto From(TenantPolicy p) => new(
        p.IdleTimeoutSeconds, p.AbsoluteLifetimeSeconds, p.MaxSessionsPerUser, p.OnSessionLimit.Name(), p.RefreshReuseGraceSeconds, p.CookieName);

    /// <inheritdoc/>
    public void Validate(Validator validator)
    {
        validator.Range("idleTimeoutSeconds", IdleTimeoutSeconds, 0, MaxSeconds);
        validator.Range("absoluteLifetimeSeconds", AbsoluteLifetimeSeconds, 0, MaxSeconds);
        validator.Range("maxSessionsPerUser", MaxSessionsPerUser, 0, 10_000);
        validator.Range("refreshReuseGraceSeconds", RefreshReuseGraceSeconds, 0, 3600);
        if (!WireNames.TryParse(OnSessionLimit, out SessionLimitAction _))
        {
            validator.Add("onSessionLimit", "must be 'deny' or 'evict-oldest'.");
        }

        if (SessionCookieName is not null && !IsCookieName(SessionCookieName))
        {
            validator.Add("sessionCookieName", $"must be 1-{MaxCookieNameLength} characters of an RFC 6265 cookie name (a token: visible ASCII without separators).");
        }
    }

    /// <summary>An RFC 6265 cookie-name: an RFC 9110 token, visible ASCII but the separators.</summary>
    private static bool IsCookieName(string name) =>
        name.Length is > 0 and <= MaxCookieNameLength && name.All(c => c is > ' ' and < '\x7f' && !Separators.Contains(c, StringComparison.Ordinal));

    /// <summary>The policy; call once validated.</summary>
    public TenantPolicy ToPolicy()
    {
        WireNames.TryParse(OnSessionLimit, out SessionLimitAction onLimit);
        return new TenantPolicy(
            IdleTimeoutSeconds!.Value, AbsoluteLifetimeSeconds!.Value, MaxSessionsPerUser!.Value, onLimit, RefreshReuseGraceSeconds!.Value, SessionCookieName);
    }
}

/// <summary>A tenant on the wire.</summary>
public sealed record TenantDto(string TenantId, string Name, DateTimeOffset CreatedAt, PolicyDto Policy, int IndexShards) : IAuditable
{
    /// <inheritdoc/>
    /// <remarks>A tenant just created: its record opens the new tenant's own log.</remarks>
    public void Describe(AuditDescription audit) => audit.TenantId = TenantId;

    public static TenantDto From(TenantInfo t) => new(t.TenantId, t.Name, t.CreatedAt, PolicyDto.From(t.Policy), t.SessionTableShards);
}

/// <summary>Body of <c>POST /api/v1/tenants/{tenantId}/api-keys</c>.</summary>
public sealed record CreateApiKeyRequest(string? Name, string? Role, string? MicrotenantId) : IValidatable, IAuditable
{
    /// <inheritdoc/>
    public void Describe(AuditDescription audit)
    {
        audit.Details["name"] = Name;
        audit.Details["role"] = Role;
        audit.Details["microtenantId"] = MicrotenantId;
    }

    /// <inheritdoc/>
    public void Validate(Validator validator)
    {
        validator.Text("name", Name, 200, required: true);
        validator.Identifier("microtenantId", MicrotenantId, required: false);
        if (!WireNames.TryParse(Role, out ApiKeyRole role))
        {
            validator.Add("role", $"must be one of: {string.Join(", ", WireNames.CreatableRoles)}.");
        }
        else if (ApiKeyScope.Refusal(role, MicrotenantId) is { } refusal)
        {
            validator.Add("microtenantId", refusal);
        }
    }

    /// <summary>The role; call once validated.</summary>
    public ApiKeyRole ParsedRole => WireNames.TryParse(Role, out ApiKeyRole role) ? role : default;
}

/// <summary>An API key on the wire, without its secret.</summary>
public sealed record ApiKeyDto(string KeyId, string Name, string Role, string? MicrotenantId, DateTimeOffset CreatedAt)
{
    public static ApiKeyDto From(ApiKeyInfo k) => new(k.KeyId, k.Name, k.Role.Name(), k.MicrotenantId, k.CreatedAt);
}

/// <summary>A created API key: the only response that carries the secret <c>key</c>.</summary>
public sealed record CreatedApiKeyDto(string KeyId, string Key, string Name, string Role, string? MicrotenantId, DateTimeOffset CreatedAt) : IAuditable
{
    /// <inheritdoc/>
    /// <remarks>The key's id, never the key.</remarks>
    public void Describe(AuditDescription audit) => audit.Target = KeyId;
}

/// <summary>Body of <c>POST /api/v1/tenants/{tenantId}/microtenants</c>.</summary>
public sealed record CreateMicrotenantRequest(string? MicrotenantId, string? Name) : IValidatable, IAuditable
{
    /// <inheritdoc/>
    public void Describe(AuditDescription audit)
    {
        audit.Target = MicrotenantId;
        audit.Details["name"] = Name;
    }

    /// <inheritdoc/>
    public void Validate(Validator validator)
    {
        validator.Identifier("microtenantId", MicrotenantId);
        validator.Text("name", Name, CreateTenantRequest.MaxNameLength, required: true);
    }
}

/// <summary>A microtenant on the wire.</summary>
public sealed record MicrotenantDto(string MicrotenantId, string Name, DateTimeOffset CreatedAt)
{
    public static MicrotenantDto From(MicrotenantInfo m) => new(m.MicrotenantId, m.Name, m.CreatedAt);
}
