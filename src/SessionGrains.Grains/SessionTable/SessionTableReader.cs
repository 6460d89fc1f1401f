using SessionGrains.Grains.Caching;
using SessionGrains.SessionTable;

namespace SessionGrains.Grains.SessionTable;

/// <summary>
/// A tenant's whole session table, answered by asking its shards in parallel and merging:
/// totals add up, pages merge by the table's order, stats add their partial aggregates (exactly,
/// since each user lives in one shard). A query for one user asks only that user's shard.
/// </summary>
public sealed class SessionTableReader(IGrainFactory grains, TenantCache tenants, [FromKeyedServices(Clock.Key)] TimeProvider time)
{
    /// <summary>
    /// The exact number of matching sessions, the requested page of them, and where the page
    /// ends when more follow (the position a cursor to the next page holds).
    /// </summary>
    public async Task<SessionTablePage> QueryAsync(string tenantId, SessionQuery query)
    {
        var tenant = await tenants.GetAsync(tenantId);
        var asOf = query.AsOf ?? time.GetUtcNow();
        query = query with { AsOf = asOf };
        var pages = await Task.WhenAll(ShardsFor(tenantId, tenant.SessionTableShards, query.UserId).Select(s => s.Query(query)));

        var (items, last) = Merge(pages, query, asOf.UtcTicks);
        var more = pages.Sum(p => p.Remaining) > (long)query.Skip + items.Count;
        return new SessionTablePage(pages.Sum(p => p.Total), items, more && last is { } key ? key.ToPosition() : null);
    }

    /// <summary>
    /// Items Skip to Skip + Take of the shards' pages merged in the table's order, and the key of
    /// the last one. Each page is already in that order (a shard sorts by the same keys) and no
    /// two sessions tie (ids break ties), so a k-way merge gives exactly what sorting all the
    /// pages would, while computing the sort key only of the items it passes rather than of every
    /// item of every page.
    /// </summary>
    private static (List<SessionRow> Items, OrderKey? Last) Merge(ShardPage[] pages, SessionQuery query, long asOf)
    {
        var heads = new PriorityQueue<(IReadOnlyList<SessionRow> Items, int At), OrderKey>(
            pages.Length, new SessionOrder(query.Sort, query.Descending));
        foreach (var page in pages)
        {
            if (page.Items.Count > 0)
            {
                heads.Enqueue((page.Items, 0), OrderKey.Of(query.Sort, page.Items[0], asOf));
            }
        }

        var items = new List<SessionRow>(Math.Min(query.Take, 1024));
        OrderKey? last = null;
        var skipped = 0;
        while (items.Count < query.Take && heads.TryDequeue(out var head, out var key))
        {
            if (skipped < query.Skip)
            {
                skipped++;
            }
            else
            {
                items.Add(head.Items[head.At]);
                last = key;
            }

            var next = head.At + 1;
            if (next < head.Items.Count)
            {
                heads.Enqueue((head.Items, next), OrderKey.Of(query.Sort, head.Items[next], asOf));
            }
        }

        return (items, last);
    }

    /// <summary>Aggregates over the tenant's sessions, optionally of one microtenant, as of now (or <paramref name="asOf"/>).</summary>
    public async Task<SessionStats> StatsAsync(string tenantId, string? microtenantId, DateTimeOffset? asOf = null)
    {
        var tenant = await tenants.GetAsync(tenantId);
        var at = asOf ?? time.GetUtcNow();
        var parts = await Task.WhenAll(ShardsFor(tenantId, tenant.SessionTableShards, null).Select(s => s.Stats(microtenantId, at)));
        var byClient = parts
            .SelectMany(p => p.ByClient)
            .GroupBy(c => c.ClientId, StringComparer.Ordinal)
            .Select(g => new ClientCount(g.Key, g.Sum(c => c.Active), g.Sum(c => c.Total)))
            .OrderByDescending(c => c.Active)
            .ThenByDescending(c => c.Total)
            .ThenBy(c => c.ClientId, StringComparer.Ordinal)
            .ToList();
        return new SessionStats(
            parts.Sum(p => p.Total), parts.Sum(p => p.Active), parts.Sum(p => p.UniqueUsers), parts.Sum(p => p.ActiveUsers),
            parts.Sum(p => p.TotalDurationSeconds), byClient);
    }

    private IEnumerable<ISessionTableShardGrain> ShardsFor(string tenantId, int shardCount, string? userId) =>
        (userId is null ? Enumerable.Range(0, shardCount) : [GrainKeys.ShardOf(userId, shardCount)])
            .Select(shard => grains.GetGrain<ISessionTableShardGrain>(GrainKeys.Shard(tenantId, shard)));
}
