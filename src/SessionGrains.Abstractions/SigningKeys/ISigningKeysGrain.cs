using System.Collections.Immutable;

namespace SessionGrains.SigningKeys;

/// <summary>
/// A tenant's keys for the tokens it signs (key: tenantId): ES256 (ECDSA P-256) keys, the newest
/// of which signs, the older ones published for a day after they were replaced so tokens signed
/// just before a rotation still verify. Private keys never leave the grain and are stored only
/// sealed under the key from configuration.
/// </summary>
public interface ISigningKeysGrain : IGrainWithStringKey
{
    /// <summary>Signs one back-channel logout token per entry with the current key (made on first need), in order.</summary>
    Task<ImmutableArray<string>> SignLogoutTokens(ImmutableArray<LogoutTokenClaims> tokens);

    /// <summary>
    /// The public keys that verify the tenant's tokens: the current one (made on first need, as for
    /// signing, so the first JWKS a relying party fetches already holds it) first, then those replaced
    /// less than a day ago, most recently replaced first.
    /// </summary>
    Task<ImmutableArray<PublishedSigningKey>> GetPublishedKeys();

    /// <summary>Makes a new current key; the one it replaces stays published for a day. Returns the new key's id.</summary>
    Task<string> Rotate();
}

/// <summary>The claims of one back-channel logout token (OpenID Connect Back-Channel Logout 1.0).</summary>
[GenerateSerializer, Immutable]
public sealed record LogoutTokenClaims(
    [property: Id(0)] string Issuer,
    [property: Id(1)] string Audience,
    [property: Id(2)] string Subject,
    [property: Id(3)] string SessionId,
    [property: Id(4)] string Jti,
    [property: Id(5)] DateTimeOffset IssuedAt);

/// <summary>One published public key: its id and its P-256 point, base64url coordinates as a JWK writes them.</summary>
[GenerateSerializer, Immutable]
public sealed record PublishedSigningKey(
    [property: Id(0)] string Kid,
    [property: Id(1)] string X,
    [property: Id(2)] string Y);
