using SessionGrains.Indexing;
using SessionGrains.Sessions;

namespace SessionGrains.Grains.Indexing;

/// <summary>A session's place in a sort: one key of the sort's kind, and the session id for ties.</summary>
public readonly record struct OrderKey(long Number, UInt128 Ip, string? Text, string SessionId)
{
    /// <summary>The key of a session for a sort, with its status as of <paramref name="asOf"/> (milliseconds).</summary>
    public static OrderKey Of(
        SessionSortKey sort, string sessionId, long createdAt, long lastActivity, string? userEmail, UInt128 ip,
        long expiresAt, SessionStatus status, long endedAt, long asOf) => sort switch
    {
        SessionSortKey.CreatedAt => new(createdAt, default, null, sessionId),
        SessionSortKey.LastActivity => new(lastActivity, default, null, sessionId),
        SessionSortKey.UserEmail => new(0, default, userEmail ?? "", sessionId),
        SessionSortKey.IpAddress => new(0, ip, null, sessionId),
        SessionSortKey.ExpiresAt => new(expiresAt == IndexEntry.NoTime ? long.MaxValue : expiresAt, default, null, sessionId),
        _ => new((status == SessionStatus.Active ? asOf : endedAt) - createdAt, default, null, sessionId),
    };

    /// <summary>The key of a listed session.</summary>
    public static OrderKey Of(SessionSortKey sort, SessionSummary s, long asOf) => Of(
        sort, s.SessionId, s.CreatedAt.ToUnixTimeMilliseconds(), s.LastActivity.ToUnixTimeMilliseconds(), s.UserEmail,
        sort == SessionSortKey.IpAddress ? IndexEntry.IpKeyOf(s.IpAddress) : default,
        s.ExpiresAt?.ToUnixTimeMilliseconds() ?? IndexEntry.NoTime, s.Status,
        s.EndedAt?.ToUnixTimeMilliseconds() ?? IndexEntry.NoTime, asOf);
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
            SessionSortKey.UserEmail => string.Compare(x.Text, y.Text, StringComparison.OrdinalIgnoreCase),
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
