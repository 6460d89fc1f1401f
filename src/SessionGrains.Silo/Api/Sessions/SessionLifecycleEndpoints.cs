using Microsoft.AspNetCore.Http.HttpResults;
using SessionGrains.Grains.Caching;
using SessionGrains.Grains.Security;
using SessionGrains.Grains.Telemetry;
using SessionGrains.Sessions;
using SessionGrains.Silo.Api.Auth;
using SessionGrains.Silo.Api.OpenApi;
using SessionGrains.Silo.Api.Problems;
using SessionGrains.Silo.Api.RateLimits;
using SessionGrains.Users;

namespace SessionGrains.Silo.Api.Sessions;

/// <summary>What identity providers and gateways call: sign-in, validate, refresh, logout.</summary>
public static class SessionLifecycleEndpoints
{
    /// <summary>Maps the lifecycle routes onto the /api/v1/tenants/{tenantId} group.</summary>
    public static RouteGroupBuilder MapSessionLifecycleEndpoints(this RouteGroupBuilder tenant)
    {
        // Identity providers and gateways call these on every sign-in and request: a limit of their own, far above the admin one.
        var sessions = tenant.MapGroup("/sessions").WithTags(ApiTags.Lifecycle).AllowRoles(TenantRoles.Lifecycle).RateLimited(RateLimitPolicy.Lifecycle);
        sessions.MapPost("", CreateAsync).WithName("CreateSession").WithSummary("Sign in: create a session")
            .WithDescription("userId, clientId and ipAddress are required. 403 user_denylisted for a denylisted user; "
                + "409 session_limit_reached over the policy's maxSessionsPerUser with onSessionLimit deny. "
                + "The limit counts the user's sessions in the sign-in's microtenant (none: the tenant level). "
                + "A microtenant-scoped key signs in to its microtenant; an unscoped key may name an existing one (400 validation_failed otherwise).");
        sessions.MapPost("/validate", ValidateAsync).WithName("ValidateToken").WithSummary("Validate an access token")
            .WithDescription("Always 200, in the manner of RFC 7662: active with the session's data, or inactive with a reason. A success counts as activity.");
        sessions.MapPost("/refresh", RefreshAsync).WithName("RefreshTokens").WithSummary("Rotate a session's tokens")
            .WithDescription("401 invalid_refresh_token for an unknown or ended token; 401 refresh_token_reused (and the session ends) "
                + "for a rotated one presented after the grace.");
        sessions.MapPost("/logout", LogoutAsync).WithName("Logout").WithSummary("End the session of an access token")
            .WithDescription("204 whether or not the token was live, like RFC 7009 revocation.");
        return tenant;
    }

    private static async Task<Results<Created<TokensDto>, ValidationProblem, ApiProblem<Status403Forbidden>, ApiProblem<Status409Conflict>>> CreateAsync(
        string tenantId, CreateSessionRequest body, HttpContext http, IGrainFactory grains, TenantCache tenants)
    {
        // A key scoped to a microtenant signs in to that microtenant only.
        var caller = http.GetCaller();
        if (!caller.TryNarrow(body.MicrotenantId, out var microtenantId))
        {
            return ApiProblem.Forbidden();
        }

        // A scoped key's microtenant was checked when the key was made; an unscoped key's choice
        // is checked here, as it is the scope the session limit counts in.
        if (caller.MicrotenantId is null && microtenantId is not null && !(await tenants.GetAsync(tenantId)).Microtenants.Contains(microtenantId))
        {
            return Validator.Fail("microtenantId", $"names no microtenant of tenant '{tenantId}'.");
        }

        var signIn = body.ToSignIn(microtenantId);
        var result = await grains.GetGrain<IUserGrain>(GrainKeys.User(tenantId, signIn.UserId)).SignIn(Secrets.NewSessionId(), signIn);
        return result switch
        {
            { Tokens: { } tokens } => TypedResults.Created($"/api/v1/tenants/{tenantId}/sessions/{tokens.SessionId}", TokensDto.From(tokens)),
            { Error: SignInError.UserDenylisted } => SignInProblems.Denylisted(signIn.UserId),
            _ => SignInProblems.LimitReached(signIn.UserId),
        };
    }

    private static async Task<Results<Ok<ActiveTokenDto>, Ok<InactiveTokenDto>>> ValidateAsync(
        string tenantId, TokenRequest body, HttpContext http, IGrainFactory grains, SessionGrainsMetrics metrics)
    {
        var result = await AccessTokens.ValidateAsync(grains, metrics, tenantId, body.Token, http.GetCaller().MicrotenantId);
        return result.Active
            ? TypedResults.Ok(new ActiveTokenDto(
                true, result.SessionId!, result.UserId!, result.UserEmail, result.MicrotenantId, result.ClientId!,
                RawJson.From(result.ClaimsJson), result.ExpiresAt, result.IdleExpiresAt))
            : TypedResults.Ok(new InactiveTokenDto(false, result.Reason!.Value.Name()));
    }

    private static async Task<Results<Ok<TokensDto>, ApiProblem<Status401Unauthorized>>> RefreshAsync(
        string tenantId, RefreshRequest body, HttpContext http, IGrainFactory grains)
    {
        if (!RefreshToken.TryParse(body.RefreshToken, out var token) || token.TenantId != tenantId)
        {
            return InvalidRefreshToken();
        }

        var result = await grains.GetGrain<ISessionGrain>(GrainKeys.Session(tenantId, token.SessionId)).Refresh(token.Proof(), http.GetCaller().MicrotenantId);
        return result switch
        {
            { Tokens: { } tokens } => TypedResults.Ok(TokensDto.From(tokens)),
            { Error: RefreshError.RefreshTokenReused } => ApiProblem.Of<Status401Unauthorized>(
                "refresh_token_reused", "Refresh token reused", "This refresh token was already used; the session has been ended."),
            _ => InvalidRefreshToken(),
        };
    }

    private static async Task<NoContent> LogoutAsync(string tenantId, TokenRequest body, HttpContext http, IGrainFactory grains)
    {
        // Like RFC 7009 revocation: an unknown or ended token is not an error, the outcome is the same.
        if (BearerSecret.TryParse(body.Token, SecretKind.AccessToken, out var token) && token.TenantId == tenantId)
        {
            await grains.GetGrain<ISessionGrain>(GrainKeys.Session(tenantId, token.Id)).Logout(token.Hash(), http.GetCaller().MicrotenantId);
        }

        return TypedResults.NoContent();
    }

    private static ApiProblem<Status401Unauthorized> InvalidRefreshToken() => ApiProblem.Of<Status401Unauthorized>(
        "invalid_refresh_token", "Invalid refresh token", "The refresh token is unknown, or its session has ended.");
}
