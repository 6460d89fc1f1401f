using Microsoft.AspNetCore.Http.HttpResults;
using SessionGrains.Grains.Security;
using SessionGrains.Sessions;
using SessionGrains.Silo.Api.Auth;
using SessionGrains.Silo.Api.OpenApi;
using SessionGrains.Silo.Api.Problems;
using SessionGrains.Silo.Api.RateLimits;

namespace SessionGrains.Silo.Api.OAuth;

/// <summary>
/// What OAuth 2.0 clients call: token introspection (RFC 7662) and revocation (RFC 7009), with a
/// service key as the client's credentials (HTTP Basic: key id and key), taken by
/// <see cref="AuthenticationMiddleware"/> as <see cref="RequiresClientCredentials"/> says. The
/// platform's traffic, like the lifecycle routes: their rate limit, no audit records.
/// </summary>
public static class OAuthEndpoints
{
    /// <summary>Maps the OAuth routes onto the /api/v1/tenants/{tenantId} group.</summary>
    public static RouteGroupBuilder MapOAuthEndpoints(this RouteGroupBuilder tenant)
    {
        var oauth = tenant.MapGroup("/oauth").WithTags(ApiTags.OAuth).AllowRoles(TenantRoles.OAuthClients)
            .RateLimited(RateLimitPolicy.Lifecycle).WithMetadata(new RequiresClientCredentials(OAuthProblems.Realm));
        oauth.MapPost("/introspect", IntrospectAsync).WithName("IntrospectToken").WithSummary("Introspect an access or refresh token (RFC 7662)")
            .WithDescription("Always 200 for a well-formed request: { active: true, sub, sid, client_id, iat, exp, token_type } or { active: false }. "
                + "An access token's introspection counts as activity, like validate; a refresh token's changes nothing (no rotation, no activity). "
                + "token_type_hint is optional and never needed. A microtenant-scoped key sees only its microtenant's tokens.");
        oauth.MapPost("/revoke", RevokeAsync).WithName("RevokeToken").WithSummary("Revoke an access or refresh token (RFC 7009)")
            .WithDescription("200 with an empty body, also for an unknown or already-ended token. A live access or refresh token "
                + "ends its session (reason user_logout). A microtenant-scoped key ends only its microtenant's sessions.");
        return tenant;
    }

    private static async Task<Results<Ok<ActiveIntrospectionDto>, Ok<InactiveIntrospectionDto>, ApiProblem<Status400BadRequest>>> IntrospectAsync(
        string tenantId, OAuthTokenForm form, HttpContext http, IGrainFactory grains)
    {
        if (form.Error is { } error)
        {
            return OAuthProblems.InvalidRequest(error);
        }

        // What a token says of a session is not to be kept by a cache on the way.
        http.Response.Headers.CacheControl = "no-store";
        var scope = http.GetCaller().MicrotenantId;

        // The hint is read and not needed (RFC 7662 §2.1: the server may ignore it): a token's prefix
        // says its kind, so each kind is tried whatever the hint says.
        if (BearerSecret.TryParse(form.Token, SecretKind.AccessToken, out var access) && access.TenantId == tenantId)
        {
            // Like validate: a resource server asks about the token it is being shown, which is use.
            var session = grains.GetGrain<ISessionGrain>(GrainKeys.Session(tenantId, access.Id));
            return Answer(await session.Validate(access.Hash(), scope), ActiveIntrospectionDto.AccessToken);
        }

        if (RefreshToken.TryParse(form.Token, out var refresh) && refresh.TenantId == tenantId)
        {
            var session = grains.GetGrain<ISessionGrain>(GrainKeys.Session(tenantId, refresh.SessionId));
            return Answer(await session.InspectRefreshToken(refresh.Proof(), scope), ActiveIntrospectionDto.RefreshToken);
        }

        return TypedResults.Ok(InactiveIntrospectionDto.Instance);
    }

    private static async Task<Results<Ok, ApiProblem<Status400BadRequest>>> RevokeAsync(
        string tenantId, OAuthTokenForm form, HttpContext http, IGrainFactory grains)
    {
        if (form.Error is { } error)
        {
            return OAuthProblems.InvalidRequest(error);
        }

        // RFC 7009 §2.2: an unknown, ended or foreign token is answered as a revoked one, so the
        // answer says nothing about the token, and the client's goal is met either way.
        var scope = http.GetCaller().MicrotenantId;
        if (BearerSecret.TryParse(form.Token, SecretKind.AccessToken, out var access) && access.TenantId == tenantId)
        {
            await grains.GetGrain<ISessionGrain>(GrainKeys.Session(tenantId, access.Id)).Logout(access.Hash(), scope);
        }
        else if (RefreshToken.TryParse(form.Token, out var refresh) && refresh.TenantId == tenantId)
        {
            await grains.GetGrain<ISessionGrain>(GrainKeys.Session(tenantId, refresh.SessionId)).RevokeRefreshToken(refresh.Proof(), scope);
        }

        return TypedResults.Ok();
    }

    private static Results<Ok<ActiveIntrospectionDto>, Ok<InactiveIntrospectionDto>, ApiProblem<Status400BadRequest>> Answer(
        ValidationResult result, string tokenType) =>
        result.Active
            ? TypedResults.Ok(ActiveIntrospectionDto.From(result, tokenType))
            : TypedResults.Ok(InactiveIntrospectionDto.Instance);
}
