using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace SessionGrains.Silo.Api.Lists;

/// <summary>
/// The envelope of every keyset cursor: base64url of the list's own payload followed by the
/// first bytes of SHA-256 over the identity of the list it was made for (tenant, route, every
/// effective filter, sort, page size) and the payload. A cursor therefore answers only the list
/// it came from; one that does not decode, was altered, or meets other filters is refused without
/// being believed. Not a secret: a cursor only says where to start, never what the caller may see.
/// </summary>
public static class CursorSeal
{
    private const int ChecksumBytes = 8;

    /// <summary>The cursor text of <paramref name="payload"/> for the list <paramref name="identity"/>.</summary>
    public static string Seal(string identity, ReadOnlySpan<byte> payload)
    {
        var bytes = new byte[payload.Length + ChecksumBytes];
        payload.CopyTo(bytes);
        Checksum(identity, payload, bytes.AsSpan(payload.Length));
        return Base64Url.EncodeToString(bytes);
    }

    /// <summary>The payload of a cursor made for the list <paramref name="identity"/>; null for any other text, or one over <paramref name="maxLength"/>.</summary>
    public static byte[]? Open(string cursor, string identity, int maxLength)
    {
        if (cursor.Length is 0 || cursor.Length > maxLength || !Base64Url.IsValid(cursor, out var length) || length <= ChecksumBytes)
        {
            return null;
        }

        var bytes = new byte[length];
        if (Base64Url.DecodeFromChars(cursor, bytes) != length)
        {
            return null;
        }

        var payload = bytes.AsSpan(0, length - ChecksumBytes);
        Span<byte> expected = stackalloc byte[ChecksumBytes];
        Checksum(identity, payload, expected);
        return expected.SequenceEqual(bytes.AsSpan(length - ChecksumBytes)) ? payload.ToArray() : null;
    }

    private static void Checksum(string identity, ReadOnlySpan<byte> payload, Span<byte> into)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(identity));
        hash.AppendData(payload);
        Span<byte> digest = stackalloc byte[32];
        hash.GetHashAndReset(digest);
        digest[..into.Length].CopyTo(into);
    }
}
