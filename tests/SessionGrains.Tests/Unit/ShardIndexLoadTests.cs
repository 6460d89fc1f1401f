using SessionGrains.Grains.SessionTable;
using SessionGrains.SessionTable;
using SessionGrains.Sessions;
using SessionGrains.Tenants;

namespace SessionGrains.Tests.Unit;

/// <summary>
/// A shard's load (rows whose strings the store shared through the shard's pool, added with
/// <c>Load</c> after <c>EnsureCapacity</c>) builds the same table as applying the rows one by one,
/// and its search texts, lower-cased straight into the buffer, find what <c>SearchTextOf</c> holds.
/// </summary>
[Trait("Category", "Unit")]
public sealed class ShardIndexLoadTests
{
    private static readonly string[] Emails = ["Åsa.Öberg@Example.TEST", "STRASSE@straße.de", "ada@acme.test", "İlker@x.test"];

    private static List<SessionRow> Rows()
    {
        var rng = new Random(11);
        var now = DateTimeOffset.UtcNow;
        var rows = new List<SessionRow>();
        for (var i = 0; i < 3000; i++)
        {
            var user = rng.Next(400);
            var created = now.AddMinutes(-rng.Next(3 * 24 * 60));
            var ended = rng.Next(6) == 0;
            rows.Add(new SessionRow(
                $"s{i:D5}", $"U{user}", user % 9 == 0 ? null : Emails[user % Emails.Length].Replace("@", $"{user}@", StringComparison.Ordinal),
                rng.Next(3) == 0 ? null : $"Chrome on Ω{rng.Next(3)}", (SessionKind)rng.Next(3), rng.Next(5) == 0 ? $"Key-{rng.Next(4)}" : null,
                $"client-{rng.Next(5)}", null, "okta", rng.Next(2) == 0 ? $"10.0.{rng.Next(4)}.{rng.Next(250)}" : $"2001:DB8::{rng.Next(99):X}",
                "Mozilla/5.0", rng.Next(2) == 0 ? "emea" : null, ended ? SessionStatus.Terminated : SessionStatus.Active, created, created,
                created.AddHours(10), 1800, ended ? created.AddMinutes(3) : null, ended ? EndReason.UserLogout : null, 1));
        }

        return rows;
    }

    /// <summary>The row as a store hands it to a loading shard: every string but the id taken from the shard's pool.</summary>
    private static SessionRow Shared(SessionRow row, ISessionStrings strings)
    {
        string? Share(string? value) => value is null ? null : strings.Share(value.AsSpan());
        return row with
        {
            UserId = Share(row.UserId)!, UserEmail = Share(row.UserEmail), SessionName = Share(row.SessionName), ApiKeyName = Share(row.ApiKeyName),
            ClientId = Share(row.ClientId)!, ClientType = Share(row.ClientType), IdentityProvider = Share(row.IdentityProvider),
            IpAddress = Share(row.IpAddress)!, UserAgent = Share(row.UserAgent), MicrotenantId = Share(row.MicrotenantId),
        };
    }

    [Fact]
    public void A_load_builds_the_table_that_applying_the_rows_builds()
    {
        var rows = Rows();
        var applied = new ShardIndex();
        foreach (var row in rows)
        {
            applied.Apply(row);
        }

        var loaded = new ShardIndex();
        loaded.EnsureCapacity(rows.Count);
        foreach (var row in rows)
        {
            loaded.Load(Shared(row, loaded.Strings));
        }

        loaded.TrimExcess();
        var now = DateTimeOffset.UtcNow;
        var tenant = TenantSnapshot.Missing("t");
        Assert.Equal(rows.Count, loaded.Count);
        Assert.Equal(applied.Stats(null, now, tenant), loaded.Stats(null, now, tenant), new StatsComparer());

        // Upper case and letters outside ASCII in every field a search looks in, nulls among them.
        foreach (var search in new[] { "åsa.öberg", "ÅSA", "straße", "İLKER", "u17", "2001:db8::", "chrome on ω1", "key-2", "@example.test", "nothing" })
        {
            var query = SessionQuery.Default with { Search = search, Take = 10_000 };
            var found = loaded.Query(query, now, tenant).Items.Select(r => r.SessionId).Order(StringComparer.Ordinal).ToList();
            var reference = rows.Where(r => ShardIndex.SearchTextOf(r).Contains(search.ToLowerInvariant(), StringComparison.Ordinal))
                .Select(r => r.SessionId).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(reference, found);
            Assert.Equal(applied.Query(query, now, tenant).Items.Select(r => r.SessionId).Order(StringComparer.Ordinal), found);
        }

        Assert.NotEmpty(loaded.Query(SessionQuery.Default with { Search = "åsa", Take = 10 }, now, tenant).Items);
    }

    [Fact]
    public void A_loaded_row_replaced_by_a_newer_version_is_listed_as_the_newer_one()
    {
        var rows = Rows();
        var index = new ShardIndex();
        index.EnsureCapacity(rows.Count);
        foreach (var row in rows)
        {
            index.Load(Shared(row, index.Strings));
        }

        var newer = rows[0] with { UserEmail = "Renamed@Example.test", Version = 2 };
        index.Load(Shared(newer, index.Strings));
        index.Load(Shared(rows[0], index.Strings));

        var now = DateTimeOffset.UtcNow;
        var tenant = TenantSnapshot.Missing("t");
        var found = index.Query(SessionQuery.Default with { Search = "renamed@", Take = 10 }, now, tenant).Items;
        Assert.Equal(rows.Count, index.Count);
        Assert.Equal(2, Assert.Single(found).Version);
    }

    private sealed class StatsComparer : IEqualityComparer<SessionStats>
    {
        public bool Equals(SessionStats? x, SessionStats? y) =>
            x!.Total == y!.Total && x.Active == y.Active && x.UniqueUsers == y.UniqueUsers && x.ActiveUsers == y.ActiveUsers &&
            x.TotalDurationSeconds == y.TotalDurationSeconds && x.ByClient.SequenceEqual(y.ByClient);

        public int GetHashCode(SessionStats obj) => obj.Total.GetHashCode();
    }
}
