namespace SessionGrains.Grains.SigningKeys;

/// <summary>The tenants' signing keys' settings (configuration section "SessionGrains:SigningKeys").</summary>
public sealed class SigningKeysOptions
{
    /// <summary>The section name.</summary>
    public const string Section = "SessionGrains:SigningKeys";

    /// <summary>The length of <see cref="EncryptionKey"/> once decoded: an AES-256 key.</summary>
    public const int EncryptionKeyLength = 32;

    /// <summary>
    /// The key every tenant's private signing keys are sealed under in storage (AES-256-GCM), as
    /// base64 of 32 bytes; the same on every silo of a cluster. Unset, a random one serves this
    /// process only (development): keys sealed under it open nowhere else, so each restart replaces
    /// every tenant's signing key.
    /// </summary>
    public string? EncryptionKey { get; set; }

    /// <summary>True when <see cref="EncryptionKey"/> is unset, or base64 of exactly <see cref="EncryptionKeyLength"/> bytes.</summary>
    public bool HasValidEncryptionKey() => string.IsNullOrEmpty(EncryptionKey) || Decode(EncryptionKey) is not null;

    /// <summary>The configured key's bytes; null when unset or not base64 of 32 bytes.</summary>
    internal byte[]? DecodedEncryptionKey() => string.IsNullOrEmpty(EncryptionKey) ? null : Decode(EncryptionKey);

    private static byte[]? Decode(string value)
    {
        var bytes = new byte[EncryptionKeyLength + 1];
        return Convert.TryFromBase64String(value.Trim(), bytes, out var written) && written == EncryptionKeyLength
            ? bytes[..EncryptionKeyLength]
            : null;
    }
}
