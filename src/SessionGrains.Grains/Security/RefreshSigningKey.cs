using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace SessionGrains.Grains.Security;

/// <summary>
/// A session's refresh-token signing key (ECDSA P-256). Its signature on every refresh token lets the
/// session recognise any token it ever issued from the public half alone, in bounded storage, while
/// a forged one fails verification. The private half is stored only sealed (AES-GCM) under a key
/// derived from a refresh token's secret, so reading storage neither mints tokens nor refreshes:
/// only the holder of the current (or a just-rotated) refresh token can sign the next generation.
/// </summary>
public sealed class RefreshSigningKey : IDisposable
{
    private const int CoordinateLength = 32;
    private const int NonceLength = 12;
    private const int TagLength = 16;

    /// <summary>Length of the public half as stored: X then Y.</summary>
    public const int PublicKeyLength = 2 * CoordinateLength;

    /// <summary>Length of a signature (r then s).</summary>
    public const int SignatureLength = 64;

    /// <summary>Length of a sealed private half: nonce, ciphertext, tag.</summary>
    public const int SealedLength = NonceLength + CoordinateLength + TagLength;

    private readonly ECDsa _key;

    private RefreshSigningKey(ECDsa key) => _key = key;

    /// <summary>A new key, for a session that has none.</summary>
    public static RefreshSigningKey Create() => new(ECDsa.Create(ECCurve.NamedCurves.nistP256));

    /// <summary>The public half: X then Y.</summary>
    public byte[] PublicKey()
    {
        var q = _key.ExportParameters(includePrivateParameters: false).Q;
        return [.. q.X!, .. q.Y!];
    }

    /// <summary>The signature of one refresh token, base64url.</summary>
    public string Sign(string tenantId, string sessionId, long generation, ReadOnlySpan<byte> secretHash) =>
        Base64Url.EncodeToString(_key.SignData(
            Message(tenantId, sessionId, generation, secretHash), HashAlgorithmName.SHA256,
            DSASignatureFormat.IeeeP1363FixedFieldConcatenation));

    /// <summary>Whether <paramref name="signature"/> is this session's key's, on this token.</summary>
    public static bool Verify(
        byte[] publicKey, string tenantId, string sessionId, long generation, byte[] secretHash, byte[] signature)
    {
        if (publicKey.Length != PublicKeyLength || signature.Length != SignatureLength)
        {
            return false;
        }

        try
        {
            using var key = ECDsa.Create(Parameters(publicKey, d: null));
            return key.VerifyData(
                Message(tenantId, sessionId, generation, secretHash), signature, HashAlgorithmName.SHA256,
                DSASignatureFormat.IeeeP1363FixedFieldConcatenation);
        }
        catch (CryptographicException)
        {
            return false;
        }
    }

    /// <summary>
    /// The private half sealed under <paramref name="unlockKey"/>; bound to the session, so a sealed
    /// key copied into another session's row does not open.
    /// </summary>
    public byte[] Seal(ReadOnlySpan<byte> unlockKey, string tenantId, string sessionId)
    {
        var d = _key.ExportParameters(includePrivateParameters: true).D!;
        try
        {
            var box = new byte[SealedLength];
            var nonce = box.AsSpan(0, NonceLength);
            RandomNumberGenerator.Fill(nonce);
            using var aes = new AesGcm(unlockKey, TagLength);
            aes.Encrypt(nonce, d, box.AsSpan(NonceLength, CoordinateLength), box.AsSpan(NonceLength + CoordinateLength), Aad(tenantId, sessionId));
            return box;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(d);
        }
    }

    /// <summary>
    /// The key sealed in <paramref name="box"/>, or null when <paramref name="unlockKey"/> does not
    /// open it. With <paramref name="unsealed"/> (the same key, unsealed before), the box is still
    /// opened, so only the secret rotates, but that key is returned rather than imported again:
    /// the import is most of the cost.
    /// </summary>
    public static RefreshSigningKey? Unseal(
        byte[] box, byte[] unlockKey, byte[] publicKey, string tenantId, string sessionId, RefreshSigningKey? unsealed = null)
    {
        if (box.Length != SealedLength || unlockKey.Length != CoordinateLength || publicKey.Length != PublicKeyLength)
        {
            return null;
        }

        var d = new byte[CoordinateLength];
        try
        {
            using var aes = new AesGcm(unlockKey, TagLength);
            aes.Decrypt(
                box.AsSpan(0, NonceLength), box.AsSpan(NonceLength, CoordinateLength),
                box.AsSpan(NonceLength + CoordinateLength), d, Aad(tenantId, sessionId));
            return unsealed ?? new RefreshSigningKey(ECDsa.Create(Parameters(publicKey, d)));
        }
        catch (CryptographicException)
        {
            return null;
        }
        finally
        {
            CryptographicOperations.ZeroMemory(d);
        }
    }

    /// <summary>
    /// The key a refresh token's secret unlocks. A different derivation from the stored hash
    /// (HKDF, with its own label), so the hash in storage does not unlock anything.
    /// </summary>
    public static byte[] UnlockKey(string tenantId, string sessionId, long generation, string secret) =>
        HKDF.DeriveKey(
            HashAlgorithmName.SHA256, Encoding.UTF8.GetBytes(secret), CoordinateLength, salt: [],
            info: Encoding.UTF8.GetBytes($"sgr-unlock-v1\0{tenantId}\0{sessionId}\0{generation}"));

    public void Dispose() => _key.Dispose();

    private static ECParameters Parameters(byte[] publicKey, byte[]? d) => new()
    {
        Curve = ECCurve.NamedCurves.nistP256,
        Q = new ECPoint { X = publicKey[..CoordinateLength], Y = publicKey[CoordinateLength..] },
        D = d,
    };

    private static byte[] Message(string tenantId, string sessionId, long generation, ReadOnlySpan<byte> secretHash) =>
        [.. Encoding.UTF8.GetBytes($"sgr-sign-v1\0{tenantId}\0{sessionId}\0{generation}\0"), .. secretHash];

    private static byte[] Aad(string tenantId, string sessionId) => Encoding.UTF8.GetBytes($"sgr-seal-v1\0{tenantId}\0{sessionId}");
}
