namespace SessionGrains.Grains.SigningKeys;

/// <summary>The durable state of a tenant's signing keys (state name "signingKeys").</summary>
[GenerateSerializer]
public sealed class SigningKeysState
{
    /// <summary>The current key (the one with no <see cref="StoredSigningKey.ReplacedAt"/>) and those replaced less than a day ago.</summary>
    [Id(0)] public List<StoredSigningKey> Keys { get; set; } = [];
}

/// <summary>
/// One signing key as stored: its public point in the clear, its private scalar only sealed
/// (<see cref="SealedPrivateKey"/>: AES-256-GCM nonce, ciphertext and tag, bound to the tenant and kid).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record StoredSigningKey(
    [property: Id(0)] string Kid,
    [property: Id(1)] DateTimeOffset CreatedAt,
    [property: Id(2)] DateTimeOffset? ReplacedAt,
    [property: Id(3)] byte[] X,
    [property: Id(4)] byte[] Y,
    [property: Id(5)] byte[] SealedPrivateKey);
