using System.Buffers.Binary;
using System.Net.Sockets;
using SessionGrains.Grains.Sessions;
using SessionGrains.SessionTable;

namespace SessionGrains.Grains.SessionTable;

/// <summary>
/// A session's place in a sort: one key of the sort's kind, and the session id for ties. For the
/// email sort, <see cref="Number"/> holds <see cref="EmailPrefixOf"/> the email, which decides
/// most comparisons without reading the strings. Times are UTC ticks.
/// </summary>
public readonly record struct OrderKey(long Number, UInt128 Ip, string? Text, string SessionId)
{
    /// <summary>
    /// The key of a session for a sort, with its effective end as of <paramref name="asOf"/>
    /// (<paramref name="endedAt"/> is <see cref="UtcTicks.None"/> while it is live).
    /// </summary>
    public static OrderKey Of(
        SessionSortKey sort, string sessionId, long createdAt, long lastActivity, string? userEmail, long emailPrefix, UInt128 ip,
        long expiresAt, long endedAt, long asOf) => sort switch
    {
        SessionSortKey.CreatedAt => new(createdAt, default, null, sessionId),
        SessionSortKey.LastActivity => new(lastActivity, default, null, sessionId),
        SessionSortKey.UserEmail => new(emailPrefix, default, userEmail ?? "", sessionId),
        SessionSortKey.IpAddress => new(0, ip, null, sessionId),
        SessionSortKey.ExpiresAt => new(expiresAt == UtcTicks.None ? long.MaxValue : expiresAt, default, null, sessionId),
        _ => new(SessionClock.DurationTicks(createdAt, endedAt, asOf), default, null, sessionId),
    };

    /// <summary>The key of a listed session (its status already as of <paramref name="asOf"/>).</summary>
    public static OrderKey Of(SessionSortKey sort, SessionRow s, long asOf) => Of(
        sort, s.SessionId, s.CreatedAt.UtcTicks, s.LastActivity.UtcTicks, s.UserEmail,
        sort == SessionSortKey.UserEmail ? EmailPrefixOf(s.UserEmail) : 0,
        sort == SessionSortKey.IpAddress ? IpKeyOf(s.IpAddress) : default,
        UtcTicks.Of(s.ExpiresAt), UtcTicks.Of(s.EndedAt), asOf);

    /// <summary>The place this key marks in the order, for a keyset cursor.</summary>
    public SessionPosition ToPosition() => new(Number, (ulong)(Ip >> 64), (ulong)Ip, Text, SessionId);

    /// <summary>
    /// The key of a cursor's position in a sort. The email sort's prefix is made again from the
    /// email rather than trusted, so a position can only name a place the order really has.
    /// </summary>
    public static OrderKey Of(SessionSortKey sort, SessionPosition p) => sort switch
    {
        SessionSortKey.UserEmail => new(EmailPrefixOf(p.Text), default, p.Text ?? "", p.SessionId),
        SessionSortKey.IpAddress => new(0, new UInt128(p.IpHigh, p.IpLow), null, p.SessionId),
        _ => new(p.Number, default, null, p.SessionId),
    };

    /// <summary>Characters of an email a prefix key holds.</summary>
    private const int PrefixChars = 9;

    /// <summary>
    /// The first 9 characters of an email (none: "") upper-cased, 7 bits each, as a non-negative
    /// number that orders like <see cref="StringComparison.OrdinalIgnoreCase"/> on those
    /// characters (a shorter email pads with 0, which sorts first, as the shorter string does);
    /// -1 when one of them is not ASCII, where the comparison must read the strings.
    /// </summary>
    public static long EmailPrefixOf(string? email)
    {
        var text = email ?? "";
        long key = 0;
        for (var i = 0; i < PrefixChars; i++)
        {
            var c = i < text.Length ? text[i] : '\0';
            if (c >= 0x80)
            {
                return -1;
            }

            if (c is >= 'a' and <= 'z')
            {
                c = (char)(c - ('a' - 'A'));
            }

            key = (key << 7) | c;
        }

        return key;
    }

    /// <summary>IPv4 (as IPv4-mapped IPv6) and IPv6 addresses as one 128-bit number, so they sort numerically.</summary>
    /// <remarks>
    /// A plain dotted quad (most addresses) is read here without the two <see cref="System.Net.IPAddress"/>
    /// objects parsing makes, which a shard's load would otherwise make for each of its rows.
    /// </remarks>
    public static UInt128 IpKeyOf(string ip) => TryDottedQuad(ip, out var v4) ? ((UInt128)0xFFFF << 32) | v4 : ParsedIpKeyOf(ip);

    /// <summary>
    /// Four decimal parts of 0–255 without leading zeros (which <see cref="System.Net.IPAddress"/>
    /// reads as octal), and nothing else; any other form is left to the parser.
    /// </summary>
    private static bool TryDottedQuad(string ip, out uint address)
    {
        address = 0;
        var parts = 0;
        var i = 0;
        while (i < ip.Length)
        {
            var start = i;
            uint part = 0;
            while (i < ip.Length && char.IsAsciiDigit(ip[i]) && i - start < 3)
            {
                part = (part * 10) + (uint)(ip[i] - '0');
                i++;
            }

            if (i == start || part > 255 || (ip[start] == '0' && i - start > 1) || ++parts > 4)
            {
                return false;
            }

            address = (address << 8) | part;
            if (i < ip.Length)
            {
                if (ip[i] != '.' || parts == 4)
                {
                    return false;
                }

                i++;
                if (i == ip.Length)
                {
                    return false;
                }
            }
        }

        return parts == 4;
    }

    /// <summary>The key as <see cref="System.Net.IPAddress"/> parses the address (any form it takes).</summary>
    internal static UInt128 ParsedIpKeyOf(string ip)
    {
        if (!System.Net.IPAddress.TryParse(ip, out var address))
        {
            return UInt128.MaxValue;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            address = address.MapToIPv6();
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        return BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }
}

/// <summary>
/// The session table's order, used by shards and by the merge alike: the sort key (ascending or
/// descending; emails case-insensitively, IP addresses numerically, no expiry last), then the
/// session id ascending.
/// </summary>
public sealed class SessionOrder(SessionSortKey sort, bool descending) : IComparer<OrderKey>
{
    public SessionSortKey Sort => sort;

    public int Compare(OrderKey x, OrderKey y) => Compare(sort, descending, in x, in y);

    /// <summary>The order itself, shared by the merge and the shards' heaps.</summary>
    internal static int Compare(SessionSortKey sort, bool descending, in OrderKey x, in OrderKey y)
    {
        var byKey = sort switch
        {
            // Prefixes that differ decide as the strings would; equal or non-ASCII ones read the strings.
            SessionSortKey.UserEmail => x.Number >= 0 && y.Number >= 0 && x.Number != y.Number
                ? x.Number.CompareTo(y.Number)
                : string.Compare(x.Text, y.Text, StringComparison.OrdinalIgnoreCase),
            SessionSortKey.IpAddress => x.Ip.CompareTo(y.Ip),
            _ => x.Number.CompareTo(y.Number),
        };
        if (byKey != 0)
        {
            return descending ? -byKey : byKey;
        }

        return string.CompareOrdinal(x.SessionId, y.SessionId);
    }
}
