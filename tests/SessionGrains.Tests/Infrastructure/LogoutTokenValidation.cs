using Microsoft.IdentityModel.Tokens;

namespace SessionGrains.Tests.Infrastructure;

/// <summary>
/// How a relying party validates a logout token with Microsoft.IdentityModel: issuer, audience,
/// type <c>logout+jwt</c>, ES256 only, a signature and an expiry required. The one set of rules
/// every test that verifies a logout token uses.
/// </summary>
public static class LogoutTokenValidation
{
    /// <summary>
    /// The parameters for tokens of <paramref name="issuer"/> to <paramref name="audience"/>, signed
    /// by one of <paramref name="keys"/>; with <paramref name="clock"/>, lifetime is judged by it
    /// (the silo's faked session clock) rather than by this machine's.
    /// </summary>
    public static TokenValidationParameters Parameters(string issuer, string audience, IEnumerable<SecurityKey> keys, TimeProvider? clock = null)
    {
        var parameters = new TokenValidationParameters
        {
            ValidIssuer = issuer,
            ValidAudience = audience,
            IssuerSigningKeys = keys,
            ValidTypes = ["logout+jwt"],
            ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
            RequireSignedTokens = true,
            RequireExpirationTime = true,
        };
        if (clock is not null)
        {
            parameters.LifetimeValidator = (notBefore, expires, _, _) =>
                expires > clock.GetUtcNow().UtcDateTime && (notBefore is null || notBefore <= clock.GetUtcNow().UtcDateTime);
        }

        return parameters;
    }
}
