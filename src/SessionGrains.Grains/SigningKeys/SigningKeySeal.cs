using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace SessionGrains.Grains.SigningKeys;

/// <summary>
/// Seals and opens the private scalars of the tenants' signing keys under the configured
/// <see cref="SigningKeysOptions.EncryptionKey"/> (AES-256-GCM), each bound to its tenant and kid as
/// associated data, so a sealed key copied into another tenant's state, or under another kid, does
/// not open. One per silo. Without a configured key it makes a random one for the life of the
/// process and says so once, as a warning: fine for development, useless across restarts or silos.
/// </summary>
public sealed class SigningKeySeal
{
    private const int NonceLength = 12;
    private const int TagLength = 16;

    /// <summary>The length of a P-256 private scalar.</summary>
    public const int ScalarLength = 32;

    /// <summary>The length of a sealed scalar: nonce, ciphertext, tag.</summary>
    public const int SealedLength = NonceLength + ScalarLength + TagLength;

    private readonly byte[] _key;

    /// <summary>Reads the key from the options; the options' validation has refused a malformed one at start.</summary>
    public SigningKeySeal(IOptions<SigningKeysOptions> options, ILogger<SigningKeySeal> logger)
    {
        if (options.Value.DecodedEncryptionKey() is { } configured)
        {
            _key = configured;
            return;
        }

        _key = RandomNumberGenerator.GetBytes(SigningKeysOptions.EncryptionKeyLength);
        logger.LogWarning(
            "{Setting} is not set: the tenants' signing keys are sealed under a random key that lasts as long as this process, "
            + "so every restart replaces them. Set it (base64 of 32 bytes, the same on every silo) outside development.",
            SigningKeysOptions.Section + ":EncryptionKey");
    }

    /// <summary>The private scalar <paramref name="d"/> sealed for <paramref name="tenantId"/>'s key <paramref name="kid"/>.</summary>
    public byte[] Seal(ReadOnlySpan<byte> d, string tenantId, string kid)
    {
        var box = new byte[SealedLength];
        var nonce = box.AsSpan(0, NonceLength);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagLength);
        aes.Encrypt(nonce, d, box.AsSpan(NonceLength, ScalarLength), box.AsSpan(NonceLength + ScalarLength), Aad(tenantId, kid));
        return box;
    }

    /// <summary>
    /// Opens <paramref name="box"/> into <paramref name="d"/> (<see cref="ScalarLength"/> bytes); false
    /// when it was sealed under another key, for another tenant or kid, or is not a sealed scalar.
    /// </summary>
    public bool TryOpen(byte[] box, string tenantId, string kid, Span<byte> d)
    {
        if (box.Length != SealedLength || d.Length != ScalarLength)
        {
            return false;
        }

        try
        {
            using var aes = new AesGcm(_key, TagLength);
            aes.Decrypt(box.AsSpan(0, NonceLength), box.AsSpan(NonceLength, ScalarLength), box.AsSpan(NonceLength + ScalarLength), d, Aad(tenantId, kid));
            return true;
        }
        catch (AuthenticationTagMismatchException)
        {
            return false;
        }
    }

    private static byte[] Aad(string tenantId, string kid) => Encoding.UTF8.GetBytes($"sgk-seal-v1\0{tenantId}\0{kid}");
}
