using SessionGrains.Silo.Api.Console;
using SessionGrains.Silo.Api.Problems;
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
    RawJson? Claims) : IValidatable
{
    /// <inheritdoc/>
    public void Validate(Validator v)
    {
        v.Identifier("userId", UserId);
        v.Identifier("clientId", ClientId);
        if (ClientId == ConsoleSessions.ClientId)
        {
            // Only the console's own sign-in opens sessions of its client: a cookie with such a session's token stands for an admin key.
            v.Add("clientId", $"'{ConsoleSessions.ClientId}' is reserved for the web console's own sessions.");
        }

        v.IpAddress("ipAddress", IpAddress);
        v.Identifier("microtenantId", MicrotenantId, required: false);
        v.Text("userEmail", UserEmail, 320);
        v.Text("sessionName", SessionName, 200);
        v.Text("apiKeyName", ApiKeyName, 200);
        v.Text("clientType", ClientType, 64);
        v.Text("identityProvider", IdentityProvider, 128);
        v.Text("userAgent", UserAgent, 1024);
        v.Text("device.deviceId", Device?.DeviceId, 256);
        v.Text("device.hostname", Device?.Hostname, 256);
        v.Text("device.os", Device?.Os, 256);

        if (Kind is not null && !WireNames.TryParse(Kind, out SessionKind _))
        {
            v.Add("kind", "must be 'user', 'admin' or 'api-key'.");
        }

        v.Claims("claims", Claims);
    }

    /// <summary>The sign-in, in the given microtenant; call once validated.</summary>
    public SignIn ToSignIn(string? microtenantId)
    {
        var kind = Kind is null ? SessionKind.User : WireNames.TryParse(Kind, out SessionKind parsed) ? parsed : default;
        var device = Device is { } d ? new DeviceInfo(d.DeviceId, d.Hostname, d.Os) : null;
        return new SignIn(
            UserId!, UserEmail, SessionName, kind, ApiKeyName, ClientId!, ClientType,
            IdentityProvider, IpAddress!, UserAgent, microtenantId, device, Claims?.Json);
    }
}

/// <summary>New tokens, at sign-in and at refresh.</summary>
public sealed record TokensDto(string SessionId, string Token, string RefreshToken, DateTimeOffset? ExpiresAt, DateTimeOffset? IdleExpiresAt)
{
    public static TokensDto From(SessionTokens t) => new(t.SessionId, t.Token, t.RefreshToken, t.ExpiresAt, t.IdleExpiresAt);
}

/// <summary>Body of validate and logout.</summary>
public sealed record TokenRequest(string? Token) : IValidatable
{
    /// <inheritdoc/>
    public void Validate(Validator validator) => validator.Required("token", Token);
}

/// <summary>Body of refresh.</summary>
public sealed record RefreshRequest(string? RefreshToken) : IValidatable
{
    /// <inheritdoc/>
    public void Validate(Validator validator) => validator.Required("refreshToken", RefreshToken);
}

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
