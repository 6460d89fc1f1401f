using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;
using SessionGrains.Grains.Caching;
using SessionGrains.Grains.Telemetry;
using SessionGrains.Silo.Api.Auth;
using SessionGrains.Silo.Api.OpenApi;
using SessionGrains.Silo.Api.Problems;
using SessionGrains.Silo.Api.RateLimits;
using SessionGrains.Silo.Api.Sessions;

namespace SessionGrains.Silo.Api.ForwardAuth;

/// <summary>
/// Forward auth for gateways (nginx <c>auth_request</c>, Traefik ForwardAuth, Envoy <c>ext_authz</c>,
/// Caddy <c>forward_auth</c>): the gateway asks, for every request it proxies, whether the user's
/// access token is live, and gets the session's identity in headers. The gateway's service key
/// comes in <c>X-Api-Key</c> (<see cref="RequiresKeyInHeader"/>), since <c>Authorization</c>
/// carries the user's token; the answer is validate's, by the same one grain call.
/// </summary>
public static class ForwardAuthEndpoints
{
    /// <summary>Maps the route onto the /api/v1/tenants/{tenantId} group.</summary>
    public static RouteGroupBuilder MapForwardAuthEndpoints(this RouteGroupBuilder tenant)
    {
        // Asked on every request a gateway proxies: lifecycle traffic, under its limit and not audited.
        var gateway = tenant.MapGroup("/forward-auth").WithTags(ApiTags.Lifecycle)
            .AllowRoles(TenantRoles.Gateways).RateLimited(RateLimitPolicy.Lifecycle)
            .WithMetadata(RequiresKeyInHeader.ApiKey).ProducesProblem(StatusCodes.Status403Forbidden);
        gateway.MapGet("", ForwardAuthAsync).WithName("ForwardAuth").WithSummary("Forward auth for gateways")
            .WithDescription("The gateway's service key in X-Api-Key (403 invalid_gateway_key without a known one, 403 forbidden for another role or tenant); "
                + "the user's access token in Authorization: Bearer, or else in the cookie the tenant policy's sessionCookieName names (default sg_session). "
                + "200 with no body and the headers X-Session-Id, X-User-Id, X-User-Email, X-Microtenant-Id, X-Client-Id (each left out when the session has none), "
                + "or 401 invalid_token with WWW-Authenticate: Bearer. A success counts as activity, like validate.");
        return tenant;
    }

    private static async Task<Results<IdentityHeaders, ApiProblem<Status401Unauthorized>>> ForwardAuthAsync(
        string tenantId, HttpContext http, IGrainFactory grains, TenantCache tenants, SessionGrainsMetrics metrics)
    {
        var presented = await TokenOfAsync(http.Request, tenantId, tenants);
        var result = await AccessTokens.ValidateAsync(grains, metrics, tenantId, presented, http.GetCaller().MicrotenantId);
        return result.Active ? new IdentityHeaders(result) : Refuse(http, !string.IsNullOrEmpty(presented));
    }

    /// <summary>
    /// The user's token: <c>Authorization: Bearer</c>, or without one (another scheme is the
    /// upstream's business) the tenant's session cookie; null when neither is there.
    /// </summary>
    private static async ValueTask<string?> TokenOfAsync(HttpRequest request, string tenantId, TenantCache tenants)
    {
        var header = request.Headers[HeaderNames.Authorization].ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return header["Bearer ".Length..].Trim();
        }

        // The gateway's key was checked against this tenant, so its policy is in this silo's cache.
        var tenant = await tenants.GetAsync(tenantId);
        return request.Cookies[tenant.Policy.CookieName];
    }

    /// <summary>
    /// 401 with a Bearer challenge (RFC 6750 §3): <c>error="invalid_token"</c> when a token came,
    /// none when the request had none (or an empty one). The same answer for a token unknown, ended, expired, of
    /// another tenant or outside the key's microtenant: it says nothing about which.
    /// </summary>
    private static ApiProblem<Status401Unauthorized> Refuse(HttpContext http, bool presented)
    {
        http.Response.Headers.WWWAuthenticate = presented ? "Bearer error=\"invalid_token\"" : "Bearer";
        return ApiProblem.Of<Status401Unauthorized>(
            "invalid_token", "Invalid token", "No live access token of this tenant in Authorization: Bearer or the tenant's session cookie.");
    }
}
