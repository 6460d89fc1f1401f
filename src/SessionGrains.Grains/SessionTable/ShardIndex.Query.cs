using System.Runtime.InteropServices;
using SessionGrains.SessionTable;
using SessionGrains.Sessions;
using SessionGrains.Tenants;

namespace SessionGrains.Grains.SessionTable;

internal sealed partial class ShardIndex
{
    /// <summary>
    /// The exact count of matches and the first Skip + Take of them in the query's order (after
    /// its position, when it has one), with statuses as of <paramref name="asOf"/>: one pass that
    /// filters, counts and keeps the best in a bounded heap (<see cref="TopK{T, TComparer}"/>),
    /// never a sort of the whole shard. A position costs one comparison per match, and the heap
    /// holds one page whatever the depth.
    /// </summary>
    public ShardPage Query(SessionQuery query, DateTimeOffset asOf, TenantSnapshot tenant)
    {
        var keep = (int)Math.Min((long)query.Skip + query.Take, int.MaxValue);
        var top = new TopK<Candidate, CandidateOrder>(keep, new CandidateOrder(query.Sort, query.Descending));
        var after = query.After is { } position ? OrderKey.Of(query.Sort, position) : (OrderKey?)null;
        var moment = new Moment(asOf.UtcTicks, tenant);
        var search = string.IsNullOrEmpty(query.Search) ? null : query.Search.ToLowerInvariant();
        var createdAfter = query.CreatedAfter?.UtcTicks ?? long.MinValue;
        var createdBefore = query.CreatedBefore?.UtcTicks ?? long.MaxValue;
        long total = 0;
        long remaining = 0;

        var hot = CollectionsMarshal.AsSpan(_hot);

        // A per-user query looks at that user's sessions only; every other query scans them all.
        int[]? only = null;
        if (query.UserId is not null)
        {
            only = _userSessions.TryGetValue(query.UserId, out var ids) ? ids.Select(id => _positions[id]).ToArray() : [];
        }

        var count = only?.Length ?? hot.Length;
        for (var k = 0; k < count; k++)
        {
            var i = only is null ? k : only[k];
            ref readonly var e = ref hot[i];
            if ((query.UserId is not null && !string.Equals(e.UserId, query.UserId, StringComparison.Ordinal))
                || (query.ClientId is not null && !string.Equals(e.ClientId, query.ClientId, StringComparison.Ordinal))
                || (query.Kind is { } kind && e.Kind != kind)
                || (query.MicrotenantId is not null && !string.Equals(e.MicrotenantId, query.MicrotenantId, StringComparison.Ordinal))
                || (query.IpAddress is not null && !string.Equals(_rows[i].IpAddress, query.IpAddress, StringComparison.Ordinal))
                || e.CreatedAt < createdAfter
                || e.CreatedAt >= createdBefore
                || (search is not null && TextAt(e.Text).IndexOf(search.AsSpan()) < 0))
            {
                continue;
            }

            var (status, endedAt, reason) = moment.Effective(in e);
            if ((query.Status == StatusFilter.Active && status != SessionStatus.Active)
                || (query.Status == StatusFilter.Inactive && status == SessionStatus.Active))
            {
                continue;
            }

            total++;
            var key = OrderKey.Of(
                query.Sort, e.SessionId, e.CreatedAt, e.LastActivity, e.UserEmail, e.EmailPrefix, e.IpKey, e.ExpiresAt, endedAt, moment.Now);
            if (after is { } from && SessionOrder.Compare(query.Sort, query.Descending, in key, in from) <= 0)
            {
                continue;
            }

            remaining++;
            top.Offer(new Candidate(i, status, endedAt, reason, key));
        }

        var sorted = top.Sorted();
        var items = new List<SessionRow>(sorted.Length);
        foreach (ref readonly var c in sorted.AsSpan())
        {
            items.Add(c.RowOf(_rows[c.Index]));
        }

        return new ShardPage(total, items, remaining);
    }

    /// <summary>The table's order on candidates, as a struct so the heap's comparisons are direct calls.</summary>
    private readonly struct CandidateOrder(SessionSortKey sort, bool descending) : IComparer<Candidate>
    {
        public int Compare(Candidate x, Candidate y) => SessionOrder.Compare(sort, descending, x.Key, y.Key);
    }

    /// <summary>A row that matched, with its effective status as of the query.</summary>
    private readonly record struct Candidate(int Index, SessionStatus Status, long EndedAt, EndReason? Reason, OrderKey Key)
    {
        /// <summary>The stored row as the query sees it: as it is, or ended by the clock or a logout-all.</summary>
        public SessionRow RowOf(SessionRow stored) => stored.Status == Status
            ? stored
            : stored with { Status = Status, EndedAt = UtcTicks.ToTimeOrNull(EndedAt), EndReason = Reason };
    }
}
