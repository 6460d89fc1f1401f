using System.Buffers.Text;
using System.Security.Cryptography;

namespace SessionGrains.Grains.Security;

/// <summary>
/// Random secrets and their hashes. Secrets are 256 random bits, so a plain SHA-256 is enough
/// (no password stretching); comparisons run in constant time.
/// </summary>
public static class Secrets
{
    /// <summary>Length in characters of an encoded 256-bit secret.</summary>
    public const int EncodedLength = 43;

    /// <summary>A new 256-bit secret, base64url without padding.</summary>
    public static string NewSecret() => RandomToken(32);

    /// <summary>A new session id: 128 random bits, base64url.</summary>
    public static string NewSessionId() => RandomToken(16);

    /// <summary>A random identifier of <paramref name="bytes"/> bytes, base64url (valid as an <see cref="Identifier"/>).</summary>
    public static string RandomToken(int bytes)
    {
        Span<byte> buffer = stackalloc byte[bytes];
        RandomNumberGenerator.Fill(buffer);
        return Base64Url.EncodeToString(buffer);
    }

    /// <summary>SHA-256 of the secret's characters.</summary>
    public static byte[] Hash(ReadOnlySpan<char> secret)
    {
        Span<byte> utf8 = stackalloc byte[secret.Length * 3];
        var written = System.Text.Encoding.UTF8.GetBytes(secret, utf8);
        return SHA256.HashData(utf8[..written]);
    }

    /// <summary>Compares two hashes without leaking, through timing, where they differ.</summary>
    public static bool HashesEqual(ReadOnlySpan<byte> a, ReadOnlySpan<byte> b) =>
        CryptographicOperations.FixedTimeEquals(a, b);
}
