using SessionGrains.Sessions;

namespace SessionGrains.Silo.Api.Sessions;

/// <summary>The device block of a sign-in.</summary>
public sealed record DeviceDto(string? DeviceId, string? Hostname, string? Os);

/// <summary>Body of <c>POST /api/v1/tenants/{tenantId}/sessions</c>: a sign-in.</summary>
public sealed record CreateSessionRequest(
    string? UserId,
    string? UserEmail,
    string? SessionName,
    string? Kind,
    string? ApiKeyName,
    string? ClientId,
    string? ClientType,
    string? IdentityProvider,
    string? IpAddress,
    string? UserAgent,
    string? MicrotenantId,
    DeviceDto? Device,
    RawJson? Claims);

/// <summary>New tokens, at sign-in and at refresh.</summary>
public sealed record TokensDto(string SessionId, string Token, string RefreshToken, DateTimeOffset? ExpiresAt, DateTimeOffset? IdleExpiresAt)
{
    public static TokensDto From(SessionTokens t) => new(t.SessionId, t.Token, t.RefreshToken, t.ExpiresAt, t.IdleExpiresAt);
}

/// <summary>Body of validate and logout.</summary>
public sealed record TokenRequest(string? Token);

/// <summary>Body of refresh.</summary>
public sealed record RefreshRequest(string? RefreshToken);

/// <summary>A validate answer for a live token (RFC 7662 style).</summary>
public sealed record ActiveTokenDto(
    bool Active,
    string SessionId,
    string UserId,
    string? UserEmail,
    string? MicrotenantId,
    string ClientId,
    RawJson? Claims,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? IdleExpiresAt);

/// <summary>A validate answer for a token that is not live.</summary>
public sealed record InactiveTokenDto(bool Active, string Reason);
