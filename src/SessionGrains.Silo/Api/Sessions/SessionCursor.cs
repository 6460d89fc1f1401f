using System.Buffers.Binary;
using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using SessionGrains.SessionTable;

namespace SessionGrains.Silo.Api.Sessions;

/// <summary>
/// The session table's keyset cursor, opaque to clients: base64url of a small versioned binary
/// (the next page's number and the position of the last row shown) followed by a checksum of
/// that binary together with the tenant and the query's effective filters, sort and page size.
/// A cursor therefore answers only the list it came from; one that does not decode, was altered,
/// or meets other filters is refused without being believed. It carries no authority: the
/// caller's scope and filters always come from the request itself.
/// </summary>
public static class SessionCursor
{
    /// <summary>
    /// Longest cursor text read. A cursor holds at most an email (320 characters, up to 960
    /// UTF-8 bytes) and a session id (128); anything longer is refused before it is decoded.
    /// </summary>
    public const int MaxLength = 1600;

    private const byte Version = 1;
    private const int ChecksumBytes = 8;

    // version, page, number, IP (two halves), text flag and length, id length.
    private const int FixedBytes = 1 + 4 + 8 + 16 + 1 + 2 + 1;

    /// <summary>The cursor to the page after one ending at <paramref name="last"/>.</summary>
    public static string Write(string tenantId, SessionQuery query, int nextPage, SessionPosition last)
    {
        var text = last.Text is null ? [] : Encoding.UTF8.GetBytes(last.Text);
        var id = Encoding.UTF8.GetBytes(last.SessionId);
        var bytes = new byte[FixedBytes + text.Length + id.Length + ChecksumBytes];
        var span = bytes.AsSpan();
        span[0] = Version;
        BinaryPrimitives.WriteInt32BigEndian(span[1..], nextPage);
        BinaryPrimitives.WriteInt64BigEndian(span[5..], last.Number);
        BinaryPrimitives.WriteUInt64BigEndian(span[13..], last.IpHigh);
        BinaryPrimitives.WriteUInt64BigEndian(span[21..], last.IpLow);
        span[29] = last.Text is null ? (byte)0 : (byte)1;
        BinaryPrimitives.WriteUInt16BigEndian(span[30..], (ushort)text.Length);
        text.CopyTo(span[32..]);
        span[32 + text.Length] = (byte)id.Length;
        id.CopyTo(span[(33 + text.Length)..]);
        var payload = span[..^ChecksumBytes];
        Checksum(tenantId, query, payload, span[^ChecksumBytes..]);
        return Base64Url.EncodeToString(bytes);
    }

    /// <summary>
    /// Reads a cursor for this tenant and query (its effective filters, sort and page size):
    /// false unless it decodes and was made for exactly them.
    /// </summary>
    public static bool TryRead(string cursor, string tenantId, SessionQuery query, out int page, out SessionPosition position)
    {
        page = 0;
        position = null!;
        if (cursor.Length is 0 or > MaxLength || !Base64Url.IsValid(cursor, out var length)
            || length < FixedBytes + ChecksumBytes)
        {
            return false;
        }

        Span<byte> bytes = stackalloc byte[length];
        if (Base64Url.DecodeFromChars(cursor, bytes) != length)
        {
            return false;
        }

        var payload = bytes[..^ChecksumBytes];
        Span<byte> expected = stackalloc byte[ChecksumBytes];
        Checksum(tenantId, query, payload, expected);
        if (!expected.SequenceEqual(bytes[^ChecksumBytes..]) || payload[0] != Version)
        {
            return false;
        }

        page = BinaryPrimitives.ReadInt32BigEndian(payload[1..]);
        var textLength = BinaryPrimitives.ReadUInt16BigEndian(payload[30..]);
        if (page < 2 || payload[29] > 1 || payload.Length < FixedBytes + textLength
            || payload[32 + textLength] != payload.Length - FixedBytes - textLength
            || (payload[29] == 0 && textLength != 0))
        {
            return false;
        }

        var id = Encoding.UTF8.GetString(payload[(33 + textLength)..]);
        if (!Grains.Identifier.IsValid(id))
        {
            return false;
        }

        position = new SessionPosition(
            BinaryPrimitives.ReadInt64BigEndian(payload[5..]),
            BinaryPrimitives.ReadUInt64BigEndian(payload[13..]),
            BinaryPrimitives.ReadUInt64BigEndian(payload[21..]),
            payload[29] == 0 ? null : Encoding.UTF8.GetString(payload.Slice(32, textLength)),
            id);
        return true;
    }

    /// <summary>
    /// The first bytes of SHA-256 over the list's identity (tenant, every effective filter, sort,
    /// page size) and the payload: a mismatch means another list or an altered cursor. Not a
    /// secret: the cursor only says where to start, never what the caller may see.
    /// </summary>
    private static void Checksum(string tenantId, SessionQuery q, ReadOnlySpan<byte> payload, Span<byte> into)
    {
        static string Of(string? value) => value is null ? "-" : "=" + value;
        static string When(DateTimeOffset? value) => value is { } t ? t.UtcTicks.ToString(CultureInfo.InvariantCulture) : "-";

        var identity = string.Join('\u001f',
            "sessions/v1", tenantId, Of(q.Search), q.Status.ToString(), Of(q.UserId), Of(q.ClientId), q.Kind?.ToString() ?? "-",
            Of(q.MicrotenantId), Of(q.IpAddress), When(q.CreatedAfter), When(q.CreatedBefore), q.Sort.ToString(),
            q.Descending ? "desc" : "asc", q.Take.ToString(CultureInfo.InvariantCulture));
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        hash.AppendData(Encoding.UTF8.GetBytes(identity));
        hash.AppendData(payload);
        Span<byte> digest = stackalloc byte[32];
        hash.GetHashAndReset(digest);
        digest[..into.Length].CopyTo(into);
    }
}
