using SessionGrains.Grains.SessionTable;
using SessionGrains.SessionTable;
using SessionGrains.Sessions;
using SessionGrains.Tenants;

namespace SessionGrains.Tests.Unit;

/// <summary>A purge (retention) leaves the shard's counts, distinct users and order as a brute-force reference computes them.</summary>
[Trait("Category", "Unit")]
public sealed class ShardIndexPurgeTests
{
    [Fact]
    public void Purge_keeps_stats_and_queries_consistent()
    {
        var rng = new Random(3);
        var index = new ShardIndex();
        var now = DateTimeOffset.UtcNow;
        var all = new List<SessionRow>();
        for (var i = 0; i < 5000; i++)
        {
            var user = rng.Next(700);
            var created = now.AddMinutes(-rng.Next(20 * 24 * 60));
            // Most ended: a purge removes most texts, so the shard compacts its search text buffer.
            var ended = rng.Next(5) != 0;
            var s = new SessionRow($"s{i:D6}", $"u{user}", $"e{user}@x.test", "n", SessionKind.User, null, $"c{rng.Next(4)}", null, null,
                "10.0.0.1", null, rng.Next(2) == 0 ? "m" : null, ended ? SessionStatus.Terminated : SessionStatus.Active, created, created,
                null, 0, ended ? created.AddMinutes(5) : null, ended ? EndReason.UserLogout : null, 1);
            all.Add(s);
            index.Apply(s);
        }

        var tenant = TenantSnapshot.Missing("t");
        var cutoff = now.AddDays(-7);
        var purged = index.Purge(now, cutoff, tenant).ToHashSet();
        var left = all.Where(s => !purged.Contains(s.SessionId)).ToList();
        Assert.Equal(all.Count(s => s.EndedAt is { } e && e < cutoff), purged.Count);
        Assert.Equal(left.Count, index.Count);

        foreach (var mt in new string?[] { null, "m" })
        {
            var stats = index.Stats(mt, now, tenant);
            var mine = left.Where(s => mt is null || s.MicrotenantId == mt).ToList();
            Assert.Equal(mine.Count, stats.Total);
            Assert.Equal(mine.Count(s => s.Status == SessionStatus.Active), stats.Active);
            Assert.Equal(mine.Select(s => s.UserId).Distinct().Count(), stats.UniqueUsers);
            Assert.Equal(mine.Where(s => s.Status == SessionStatus.Active).Select(s => s.UserId).Distinct().Count(), stats.ActiveUsers);
        }

        foreach (var search in new[] { "e12", "u4", "@x.test", "nothing" })
        {
            var found = index.Query(SessionQuery.Default with { Search = search, Take = 10_000 }, now, tenant);
            var expected = left.Where(s => $"{s.UserEmail}\n{s.UserId}\n{s.IpAddress}\n{s.SessionName}\n".Contains(search, StringComparison.Ordinal))
                .Select(s => s.SessionId).Order(StringComparer.Ordinal);
            Assert.Equal(expected, found.Items.Select(s => s.SessionId).Order(StringComparer.Ordinal));
        }

        // New sessions after a purge get numbers too.
        index.Apply(all[0] with { SessionId = "new1", UserId = "brand-new", Status = SessionStatus.Active, EndedAt = null, EndReason = null, CreatedAt = now, LastActivity = now });
        var afterNew = index.Stats(null, now, tenant);
        Assert.Equal(left.Where(s => s.Status == SessionStatus.Active).Select(s => s.UserId).Distinct().Count() + 1, afterNew.ActiveUsers);
        Assert.Equal(left.Select(s => s.UserId).Distinct().Count() + 1, afterNew.UniqueUsers);

        var page = index.Query(SessionQuery.Default with { Take = 20, Sort = SessionSortKey.CreatedAt, Descending = false }, now, tenant);
        Assert.Equal(left.Count + 1, page.Total);
        var want = left.Append(all[0] with { SessionId = "new1", CreatedAt = now }).OrderBy(s => s.CreatedAt).ThenBy(s => s.SessionId, StringComparer.Ordinal).Take(20).Select(s => s.SessionId);
        Assert.Equal(want, page.Items.Select(s => s.SessionId));
    }
}
