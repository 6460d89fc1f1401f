using SessionGrains.SessionTable;
using SessionGrains.Sessions;

namespace SessionGrains.Grains.SessionTable;

/// <summary>
/// A session's place in a sort: one key of the sort's kind, and the session id for ties. For the
/// email sort, <see cref="Number"/> holds <see cref="EmailPrefixOf"/> the email, which decides
/// most comparisons without reading the strings.
/// </summary>
public readonly record struct OrderKey(long Number, UInt128 Ip, string? Text, string SessionId)
{
    /// <summary>The key of a session for a sort, with its status as of <paramref name="asOf"/> (milliseconds).</summary>
    public static OrderKey Of(
        SessionSortKey sort, string sessionId, long createdAt, long lastActivity, string? userEmail, long emailPrefix, UInt128 ip,
        long expiresAt, SessionStatus status, long endedAt, long asOf) => sort switch
    {
        SessionSortKey.CreatedAt => new(createdAt, default, null, sessionId),
        SessionSortKey.LastActivity => new(lastActivity, default, null, sessionId),
        SessionSortKey.UserEmail => new(emailPrefix, default, userEmail ?? "", sessionId),
        SessionSortKey.IpAddress => new(0, ip, null, sessionId),
        SessionSortKey.ExpiresAt => new(expiresAt == ShardEntry.NoTime ? long.MaxValue : expiresAt, default, null, sessionId),
        _ => new((status == SessionStatus.Active ? asOf : endedAt) - createdAt, default, null, sessionId),
    };

    /// <summary>The key of a listed session.</summary>
    public static OrderKey Of(SessionSortKey sort, SessionRow s, long asOf) => Of(
        sort, s.SessionId, s.CreatedAt.ToUnixTimeMilliseconds(), s.LastActivity.ToUnixTimeMilliseconds(), s.UserEmail,
        sort == SessionSortKey.UserEmail ? EmailPrefixOf(s.UserEmail) : 0,
        sort == SessionSortKey.IpAddress ? ShardEntry.IpKeyOf(s.IpAddress) : default,
        s.ExpiresAt?.ToUnixTimeMilliseconds() ?? ShardEntry.NoTime, s.Status,
        s.EndedAt?.ToUnixTimeMilliseconds() ?? ShardEntry.NoTime, asOf);

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
