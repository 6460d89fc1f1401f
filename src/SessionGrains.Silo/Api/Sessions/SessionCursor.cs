using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using SessionGrains.SessionTable;
using SessionGrains.Silo.Api.Lists;

namespace SessionGrains.Silo.Api.Sessions;

/// <summary>
/// The session table's keyset cursor, opaque to clients: a small versioned binary (the next
/// page's number and the position of the last row shown) sealed for the tenant and the query's
/// effective filters, sort and page size (<see cref="CursorSeal"/>). It carries no authority: the
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

    // version, page, number, IP (two halves), text flag and length, id length.
    private const int FixedBytes = 1 + 4 + 8 + 16 + 1 + 2 + 1;

    /// <summary>The cursor to the page after one ending at <paramref name="last"/>.</summary>
    public static string Write(string tenantId, SessionQuery query, int nextPage, SessionPosition last)
    {
        var text = last.Text is null ? [] : Encoding.UTF8.GetBytes(last.Text);
        var id = Encoding.UTF8.GetBytes(last.SessionId);
        var bytes = new byte[FixedBytes + text.Length + id.Length];
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
        return CursorSeal.Seal(Identity(tenantId, query), bytes);
    }

    /// <summary>
    /// Reads a cursor for this tenant and query (its effective filters, sort and page size):
    /// false unless it decodes and was made for exactly them.
    /// </summary>
    public static bool TryRead(string cursor, string tenantId, SessionQuery query, out int page, out SessionPosition position)
    {
        page = 0;
        position = null!;
        if (CursorSeal.Open(cursor, Identity(tenantId, query), MaxLength) is not { } bytes || bytes.Length < FixedBytes || bytes[0] != Version)
        {
            return false;
        }

        var payload = bytes.AsSpan();
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

    /// <summary>The identity of the list a cursor walks: tenant, every effective filter, sort and page size.</summary>
    private static string Identity(string tenantId, SessionQuery q)
    {
        static string Of(string? value) => value is null ? "-" : "=" + value;
        static string When(DateTimeOffset? value) => value is { } t ? t.UtcTicks.ToString(CultureInfo.InvariantCulture) : "-";

        return string.Join('\u001f',
            "sessions/v1", tenantId, Of(q.Search), q.Status.ToString(), Of(q.UserId), Of(q.ClientId), q.Kind?.ToString() ?? "-",
            Of(q.MicrotenantId), Of(q.IpAddress), When(q.CreatedAfter), When(q.CreatedBefore), q.Sort.ToString(),
            q.Descending ? "desc" : "asc", q.Take.ToString(CultureInfo.InvariantCulture));
    }
}
