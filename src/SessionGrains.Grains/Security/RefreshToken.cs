using System.Buffers.Text;
using System.Globalization;
using SessionGrains.Sessions;

namespace SessionGrains.Grains.Security;

/// <summary>
/// A refresh token: a <see cref="BearerSecret"/> of kind <see cref="SecretKind.RefreshToken"/>
/// followed by its generation (the session's rotations since it got its signing key) and the
/// session's signature on it: "sgr.base64url(tenant).sessionId.secret.generation.signature". An
/// unsigned one (a sign-in's, or one issued before refresh tokens were signed) has only the four
/// bearer parts and generation <see cref="Unsigned"/>; the session remembers those by hash.
/// </summary>
public readonly record struct RefreshToken(string TenantId, string SessionId, string Secret, long Generation, string Signature)
{
    /// <summary>The generation of an unsigned token (no generation, no signature).</summary>
    public const long Unsigned = -1;

    private const int MaxGenerationDigits = 18;

    private static readonly int EncodedSignatureLength = Base64Url.GetEncodedLength(RefreshSigningKey.SignatureLength);

    /// <summary>The longest string <see cref="TryParse"/> looks at; anything longer is not ours.</summary>
    public static int MaxLength { get; } = BearerSecret.MaxLength + 1 + MaxGenerationDigits + 1 + EncodedSignatureLength;

    private BearerSecret Bearer => new(SecretKind.RefreshToken, TenantId, SessionId, Secret);

    /// <summary>A fresh refresh token of generation <paramref name="generation"/>, signed by <paramref name="key"/>.</summary>
    public static RefreshToken New(string tenantId, string sessionId, long generation, RefreshSigningKey key)
    {
        var secret = Secrets.NewSecret();
        return new RefreshToken(tenantId, sessionId, secret, generation, key.Sign(tenantId, sessionId, generation, Secrets.Hash(secret)));
    }

    /// <summary>A fresh unsigned refresh token: a sign-in's, issued before the session has a signing key.</summary>
    public static RefreshToken NewUnsigned(string tenantId, string sessionId) =>
        new(tenantId, sessionId, Secrets.NewSecret(), Unsigned, "");

    /// <summary>The string handed to the client: the only place the secret is written out.</summary>
    public string Encode() => Generation == Unsigned
        ? Bearer.Encode()
        : $"{Bearer.Encode()}.{Generation.ToString(CultureInfo.InvariantCulture)}.{Signature}";

    /// <summary>Redacted, so that a token that reaches a log line shows only where it routes.</summary>
    public override string ToString() => $"{Bearer}.{Generation}.***";

    /// <summary>The hash that is stored in place of the secret.</summary>
    public byte[] Hash() => Secrets.Hash(Secret);

    /// <summary>The key this token's secret unlocks (see <see cref="RefreshSigningKey.UnlockKey"/>).</summary>
    public byte[] UnlockKey() => RefreshSigningKey.UnlockKey(TenantId, SessionId, Generation, Secret);

    /// <summary>What the session grain checks, without the secret.</summary>
    public RefreshProof Proof() => new(
        Generation, Hash(), Signature.Length == 0 ? [] : Base64Url.DecodeFromChars(Signature), UnlockKey());

    /// <summary>Reads a refresh token, signed or unsigned; false for anything malformed.</summary>
    public static bool TryParse(string? value, out RefreshToken token)
    {
        token = default;
        if (string.IsNullOrEmpty(value) || value.Length > MaxLength)
        {
            return false;
        }

        var signatureAt = value.LastIndexOf('.');
        var generationAt = signatureAt > 0 ? value.LastIndexOf('.', signatureAt - 1) : -1;
        if (BearerSecret.TryParse(value, SecretKind.RefreshToken, out var unsigned))
        {
            token = new RefreshToken(unsigned.TenantId, unsigned.Id, unsigned.Secret, Unsigned, "");
            return true;
        }

        if (generationAt <= 0
            || !BearerSecret.TryParse(value[..generationAt], SecretKind.RefreshToken, out var bearer)
            || !TryParseGeneration(value.AsSpan(generationAt + 1, signatureAt - generationAt - 1), out var generation))
        {
            return false;
        }

        var signature = value[(signatureAt + 1)..];
        if (signature.Length != EncodedSignatureLength || !Base64Url.IsValid(signature))
        {
            return false;
        }

        token = new RefreshToken(bearer.TenantId, bearer.Id, bearer.Secret, generation, signature);
        return true;
    }

    private static bool TryParseGeneration(ReadOnlySpan<char> text, out long generation)
    {
        generation = 0;
        return text.Length is > 0 and <= MaxGenerationDigits
            && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out generation);
    }
}
