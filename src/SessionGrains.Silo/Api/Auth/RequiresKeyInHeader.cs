namespace SessionGrains.Silo.Api.Auth;

/// <summary>
/// Endpoint metadata: the endpoint's caller is a gateway, whose tenant key comes in the header
/// <paramref name="Header"/> instead of <c>Authorization</c>, which there carries the user's access
/// token (forward auth). Only a tenant's key is read from it (the operator key is no gateway's),
/// never the console's cookie; a request without a known key is refused with 403 rather than 401,
/// because a gateway hands a 401 on to the user as "sign in again", which would not help: the
/// gateway's own configuration is wrong. <see cref="AuthenticationMiddleware"/> reads it.
/// </summary>
public sealed record RequiresKeyInHeader(string Header)
{
    /// <summary>The gateways' header: the one Traefik, Caddy and Envoy configurations call an API key.</summary>
    public static RequiresKeyInHeader ApiKey { get; } = new("X-Api-Key");

    /// <summary>The code of the refusal.</summary>
    public const string RefusalCode = "invalid_gateway_key";
}
