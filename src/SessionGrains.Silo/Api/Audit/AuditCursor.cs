using System.Buffers.Binary;
using System.Globalization;
using System.Text;
using SessionGrains.Silo.Api.Lists;
using SessionGrains.Silo.Audit;

namespace SessionGrains.Silo.Api.Audit;

/// <summary>
/// The audit log's keyset cursor: the next page's number and the last record's place (time and
/// id), sealed for the log, filters, scope and page size it was made for (<see cref="CursorSeal"/>).
/// </summary>
public static class AuditCursor
{
    /// <summary>Longest cursor text read.</summary>
    public const int MaxLength = 128;

    private const byte Version = 1;
    private const int IdLength = 32;

    // version, page, time, id.
    private const int PayloadBytes = 1 + 4 + 8 + IdLength;

    /// <summary>The cursor to the page after one ending at <paramref name="last"/>.</summary>
    public static string Write(AuditQuery query, int nextPage, AuditPosition last)
    {
        var bytes = new byte[PayloadBytes];
        bytes[0] = Version;
        BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(1), nextPage);
        BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(5), last.At.ToUnixTimeMilliseconds());
        Encoding.ASCII.GetBytes(last.AuditId, bytes.AsSpan(13));
        return CursorSeal.Seal(Identity(query), bytes);
    }

    /// <summary>Reads a cursor made for exactly this query; false for any other.</summary>
    public static bool TryRead(string cursor, AuditQuery query, out int page, out AuditPosition position)
    {
        page = 0;
        position = null!;
        if (CursorSeal.Open(cursor, Identity(query), MaxLength) is not { Length: PayloadBytes } bytes || bytes[0] != Version)
        {
            return false;
        }

        page = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(1));
        var id = Encoding.ASCII.GetString(bytes, 13, IdLength);
        if (page < 2 || !id.All(char.IsAsciiHexDigitLower))
        {
            return false;
        }

        position = new AuditPosition(DateTimeOffset.FromUnixTimeMilliseconds(BinaryPrimitives.ReadInt64BigEndian(bytes.AsSpan(5))), id);
        return true;
    }

    private static string Identity(AuditQuery q)
    {
        static string Of(string? value) => value is null ? "-" : "=" + value;
        static string When(DateTimeOffset? value) => value is { } t ? t.UtcTicks.ToString(CultureInfo.InvariantCulture) : "-";

        return string.Join('\u001f', "audit/v1", Of(q.TenantId), When(q.From), When(q.To), Of(q.Action), Of(q.ActorKeyId), Of(q.Outcome),
            Of(q.ActorMicrotenantId), q.Take.ToString(CultureInfo.InvariantCulture));
    }
}
