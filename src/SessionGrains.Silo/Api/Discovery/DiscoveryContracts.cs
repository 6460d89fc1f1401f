using System.Text.Json.Serialization;
using SessionGrains.SigningKeys;

namespace SessionGrains.Silo.Api.Discovery;

/// <summary>A JWK Set (RFC 7517 §5): the public keys that verify the tenant's logout tokens, the current one first.</summary>
public sealed record JwkSetDto([property: JsonPropertyName("keys")] IReadOnlyList<JwkDto> Keys);

/// <summary>One P-256 public key as a JWK (RFC 7517, RFC 7518 §6.2), for signatures with ES256.</summary>
public sealed record JwkDto(
    [property: JsonPropertyName("kty")] string Kty,
    [property: JsonPropertyName("crv")] string Crv,
    [property: JsonPropertyName("x")] string X,
    [property: JsonPropertyName("y")] string Y,
    [property: JsonPropertyName("kid")] string Kid,
    [property: JsonPropertyName("use")] string Use,
    [property: JsonPropertyName("alg")] string Alg)
{
    /// <summary>The JWK of a published signing key.</summary>
    public static JwkDto From(PublishedSigningKey key) => new("EC", "P-256", key.X, key.Y, key.Kid, "sig", "ES256");
}

/// <summary>
/// The tenant's OpenID Provider metadata (OpenID Connect Discovery 1.0 §3), as much of it as this
/// server serves: its issuer, its keys, its OAuth endpoints and that it sends back-channel logout.
/// </summary>
public sealed record OpenIdConfigurationDto(
    [property: JsonPropertyName("issuer")] string Issuer,
    [property: JsonPropertyName("jwks_uri")] string JwksUri,
    [property: JsonPropertyName("introspection_endpoint")] string IntrospectionEndpoint,
    [property: JsonPropertyName("revocation_endpoint")] string RevocationEndpoint,
    [property: JsonPropertyName("introspection_endpoint_auth_methods_supported")] IReadOnlyList<string> IntrospectionEndpointAuthMethodsSupported,
    [property: JsonPropertyName("revocation_endpoint_auth_methods_supported")] IReadOnlyList<string> RevocationEndpointAuthMethodsSupported,
    [property: JsonPropertyName("backchannel_logout_supported")] bool BackchannelLogoutSupported,
    [property: JsonPropertyName("backchannel_logout_session_supported")] bool BackchannelLogoutSessionSupported)
{
    /// <summary>How the OAuth routes take client credentials: HTTP Basic (RFC 6749 §2.3.1).</summary>
    private static readonly IReadOnlyList<string> ClientSecretBasic = ["client_secret_basic"];

    /// <summary>The document of the tenant whose issuer is <paramref name="issuer"/>.</summary>
    public static OpenIdConfigurationDto For(string issuer) => new(
        issuer, issuer + DiscoveryEndpoints.JwksPath, issuer + "/oauth/introspect", issuer + "/oauth/revoke",
        ClientSecretBasic, ClientSecretBasic, BackchannelLogoutSupported: true, BackchannelLogoutSessionSupported: true);
}
