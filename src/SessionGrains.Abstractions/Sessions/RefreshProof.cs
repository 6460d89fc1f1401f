namespace SessionGrains.Sessions;

/// <summary>
/// What a session grain needs of a presented refresh token, derived from it at the edge so that the
/// secret itself never travels: the token's generation, the hash of its secret, its signature, and
/// the key its secret unlocks (the session keeps its signing key sealed under that key). Never stored.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record RefreshProof(
    [property: Id(0)] long Generation,
    [property: Id(1)] byte[] SecretHash,
    [property: Id(2)] byte[] Signature,
    [property: Id(3)] byte[] UnlockKey)
{
    /// <summary>Redacted: the unlock key opens the session's signing key.</summary>
    public override string ToString() => $"RefreshProof {{ Generation = {Generation}, *** }}";
}
