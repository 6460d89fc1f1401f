using SessionGrains.Grains.Caching;
using SessionGrains.Grains.Security;
using SessionGrains.Sessions;
using SessionGrains.Silo.Api.Auth;
using SessionGrains.Silo.Api.Problems;
using SessionGrains.Users;

namespace SessionGrains.Silo.Api.Sessions;

/// <summary>What identity providers and gateways call: sign-in, validate, refresh, logout.</summary>
public static class SessionLifecycleEndpoints
{
    /// <summary>Largest claims object, as JSON text.</summary>
    public const int MaxClaimsLength = 16 * 1024;

    /// <summary>Maps the lifecycle routes onto the /api/v1 group.</summary>
    public static RouteGroupBuilder MapSessionLifecycleEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/tenants/{tenantId}/sessions", CreateAsync).RequireTenantRole(AccessFilters.Lifecycle)
            .Produces<TokensDto>(StatusCodes.Status201Created)
            .ProducesProblem(StatusCodes.Status403Forbidden).ProducesProblem(StatusCodes.Status409Conflict);
        api.MapPost("/tenants/{tenantId}/sessions/validate", ValidateAsync).RequireTenantRole(AccessFilters.Lifecycle)
            .Produces<ActiveTokenDto>().Produces<InactiveTokenDto>();
        api.MapPost("/tenants/{tenantId}/sessions/refresh", RefreshAsync).RequireTenantRole(AccessFilters.Lifecycle)
            .Produces<TokensDto>().ProducesProblem(StatusCodes.Status401Unauthorized);
        api.MapPost("/tenants/{tenantId}/sessions/logout", LogoutAsync).RequireTenantRole(AccessFilters.Lifecycle)
            .Produces(StatusCodes.Status204NoContent);
        return api;
    }

    private static async Task<IResult> CreateAsync(string tenantId, CreateSessionRequest body, HttpContext http, TenantCache tenants, IGrainFactory grains)
    {
        var validator = new Validator();
        var signIn = ReadSignIn(body, validator);
        if (signIn is null)
        {
            return validator.Problem();
        }

        // A key scoped to a microtenant signs in to that microtenant only.
        if (http.GetCaller().MicrotenantId is { } scope)
        {
            if (signIn.MicrotenantId is not null && signIn.MicrotenantId != scope)
            {
                return ApiProblem.Forbidden();
            }

            signIn = signIn with { MicrotenantId = scope };
        }

        var tenant = await tenants.GetAsync(tenantId);
        if (!tenant.Exists)
        {
            return ApiProblem.TenantNotFound(tenantId);
        }

        var result = await grains.GetGrain<IUserGrain>(GrainKeys.User(tenantId, signIn.UserId)).SignIn(signIn);
        return result switch
        {
            { Tokens: { } tokens } => Results.Created($"/api/v1/tenants/{tenantId}/sessions/{tokens.SessionId}", TokensDto.From(tokens)),
            { Error: SignInError.UserDenylisted } => ApiProblem.Of(
                StatusCodes.Status403Forbidden, "user_denylisted", "User denylisted", $"User '{signIn.UserId}' may not sign in."),
            _ => ApiProblem.Of(
                StatusCodes.Status409Conflict, "session_limit_reached", "Session limit reached",
                $"User '{signIn.UserId}' has the most sessions the tenant's policy allows."),
        };
    }

    private static async Task<IResult> ValidateAsync(string tenantId, TokenRequest body, HttpContext http, IGrainFactory grains)
    {
        if (body.Token is null)
        {
            return Validator.Missing("token");
        }

        if (!BearerSecret.TryParse(body.Token, SecretKind.AccessToken, out var token) || token.TenantId != tenantId)
        {
            return Results.Ok(new InactiveTokenDto(false, InactiveReason.Unknown.Name()));
        }

        var result = await grains.GetGrain<ISessionGrain>(GrainKeys.Session(tenantId, token.Id)).Validate(token.Hash(), http.GetCaller().MicrotenantId);
        return result.Active
            ? Results.Ok(new ActiveTokenDto(
                true, result.SessionId!, result.UserId!, result.UserEmail, result.MicrotenantId, result.ClientId!,
                RawJson.From(result.ClaimsJson), result.ExpiresAt, result.IdleExpiresAt))
            : Results.Ok(new InactiveTokenDto(false, result.Reason!.Value.Name()));
    }

    private static async Task<IResult> RefreshAsync(string tenantId, RefreshRequest body, HttpContext http, IGrainFactory grains)
    {
        if (body.RefreshToken is null)
        {
            return Validator.Missing("refreshToken");
        }

        if (!BearerSecret.TryParse(body.RefreshToken, SecretKind.RefreshToken, out var token) || token.TenantId != tenantId)
        {
            return InvalidRefreshToken();
        }

        var result = await grains.GetGrain<ISessionGrain>(GrainKeys.Session(tenantId, token.Id)).Refresh(token.Hash(), http.GetCaller().MicrotenantId);
        return result switch
        {
            { Tokens: { } tokens } => Results.Ok(TokensDto.From(tokens)),
            { Error: RefreshError.RefreshTokenReused } => ApiProblem.Of(
                StatusCodes.Status401Unauthorized, "refresh_token_reused", "Refresh token reused",
                "This refresh token was already used; the session has been ended."),
            _ => InvalidRefreshToken(),
        };
    }

    private static async Task<IResult> LogoutAsync(string tenantId, TokenRequest body, HttpContext http, IGrainFactory grains)
    {
        if (body.Token is null)
        {
            return Validator.Missing("token");
        }

        // Like RFC 7009 revocation: an unknown or ended token is not an error, the outcome is the same.
        if (BearerSecret.TryParse(body.Token, SecretKind.AccessToken, out var token) && token.TenantId == tenantId)
        {
            await grains.GetGrain<ISessionGrain>(GrainKeys.Session(tenantId, token.Id)).Logout(token.Hash(), http.GetCaller().MicrotenantId);
        }

        return Results.NoContent();
    }

    private static IResult InvalidRefreshToken() => ApiProblem.Of(
        StatusCodes.Status401Unauthorized, "invalid_refresh_token", "Invalid refresh token",
        "The refresh token is unknown, or its session has ended.");

    /// <summary>Checks a sign-in body field by field; null when anything is wrong.</summary>
    private static SignIn? ReadSignIn(CreateSessionRequest body, Validator v)
    {
        v.Identifier("userId", body.UserId);
        v.Identifier("clientId", body.ClientId);
        v.IpAddress("ipAddress", body.IpAddress);
        v.Identifier("microtenantId", body.MicrotenantId, required: false);
        v.Text("userEmail", body.UserEmail, 320);
        v.Text("sessionName", body.SessionName, 200);
        v.Text("apiKeyName", body.ApiKeyName, 200);
        v.Text("clientType", body.ClientType, 64);
        v.Text("identityProvider", body.IdentityProvider, 128);
        v.Text("userAgent", body.UserAgent, 1024);
        v.Text("device.deviceId", body.Device?.DeviceId, 256);
        v.Text("device.hostname", body.Device?.Hostname, 256);
        v.Text("device.os", body.Device?.Os, 256);

        var kind = SessionKind.User;
        if (body.Kind is not null && !WireNames.TryParse(body.Kind, out kind))
        {
            v.Add("kind", "must be 'user', 'admin' or 'api-key'.");
        }

        if (body.Claims is { } claims)
        {
            if (claims.Json.Length > MaxClaimsLength)
            {
                v.Add("claims", $"must be at most {MaxClaimsLength} bytes of JSON.");
            }
            else if (!claims.Json.StartsWith('{'))
            {
                v.Add("claims", "must be a JSON object.");
            }
        }

        if (!v.IsValid)
        {
            return null;
        }

        var device = body.Device is { } d ? new DeviceInfo(d.DeviceId, d.Hostname, d.Os) : null;
        return new SignIn(
            body.UserId!, body.UserEmail, body.SessionName, kind, body.ApiKeyName, body.ClientId!, body.ClientType,
            body.IdentityProvider, body.IpAddress!, body.UserAgent, body.MicrotenantId, device, body.Claims?.Json);
    }
}
