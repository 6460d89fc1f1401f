using Microsoft.AspNetCore.Http.HttpResults;
using SessionGrains.SigningKeys;
using SessionGrains.Silo.Api.OpenApi;
using SessionGrains.Silo.Hosting;

namespace SessionGrains.Silo.Api.Discovery;

/// <summary>
/// What relying parties fetch to verify a tenant's logout tokens, without any key (they hold
/// none): the tenant's JWK Set and its OpenID Provider metadata. Public by nature, and the same
/// for everyone, so caches may keep them for a minute: a rotated-away key stays published for a
/// day, far longer. The group they are mapped on takes no caller and checks that the tenant exists
/// (<see cref="Auth.AccessConventions.OpenToAnyone"/>).
/// </summary>
public static class DiscoveryEndpoints
{
    /// <summary>The JWKS's path below the tenant's issuer.</summary>
    public const string JwksPath = "/.well-known/jwks.json";

    /// <summary>The metadata's path below the tenant's issuer (OpenID Connect Discovery 1.0 §4).</summary>
    public const string ConfigurationPath = "/.well-known/openid-configuration";

    private const string CacheControl = "public, max-age=60";

    /// <summary>Maps the discovery routes onto an anonymous /api/v1/tenants/{tenantId} group.</summary>
    public static RouteGroupBuilder MapDiscoveryEndpoints(this RouteGroupBuilder tenant)
    {
        var discovery = tenant.MapGroup("").WithTags(ApiTags.Discovery);
        discovery.MapGet(JwksPath, JwksAsync).WithName("GetJwks").WithSummary("The tenant's public signing keys (JWK Set)")
            .WithDescription("No key needed. { keys: [ { kty: EC, crv: P-256, x, y, kid, use: sig, alg: ES256 } ] }: the current key first, "
                + "then any replaced less than 24 hours ago. Cache-Control: public, max-age=60. 404 tenant_not_found.");
        discovery.MapGet(ConfigurationPath, Configuration).WithName("GetOpenIdConfiguration")
            .WithSummary("The tenant's OpenID Provider metadata")
            .WithDescription("No key needed. issuer (the iss of the tenant's logout tokens), jwks_uri, introspection_endpoint, revocation_endpoint, "
                + "their auth methods (client_secret_basic), backchannel_logout_supported and backchannel_logout_session_supported (both true). "
                + "Cache-Control: public, max-age=60. 404 tenant_not_found.");
        return tenant;
    }

    private static async Task<Ok<JwkSetDto>> JwksAsync(string tenantId, HttpContext http, IGrainFactory grains)
    {
        var keys = await grains.GetGrain<ISigningKeysGrain>(tenantId).GetPublishedKeys();
        http.Response.Headers.CacheControl = CacheControl;
        return TypedResults.Ok(new JwkSetDto([.. keys.Select(JwkDto.From)]));
    }

    private static Ok<OpenIdConfigurationDto> Configuration(string tenantId, HttpContext http, PublicUrls urls)
    {
        http.Response.Headers.CacheControl = CacheControl;
        return TypedResults.Ok(OpenIdConfigurationDto.For(urls.Issuer(tenantId)));
    }
}
