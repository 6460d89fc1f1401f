using SessionGrains.Grains.SessionTable;
using SessionGrains.Grains.Security;
using SessionGrains.SessionTable;
using SessionGrains.Sessions;
using SessionGrains.Tenants;
using SessionGrains.Tests.Infrastructure;

namespace SessionGrains.Tests.Grains;

/// <summary>
/// The stats are the merge of per-shard partial aggregates; they must equal what a brute-force
/// pass over the full listing computes, for the whole tenant and for one microtenant.
/// </summary>
[Trait("Category", "Cluster")]
[Collection(GrainClusterCollection.Name)]
public sealed class SessionStatsGrainTests(GrainClusterFixture fixture)
{
    private static readonly string?[] Microtenants = [null, "emea", "apac"];
    private static readonly string[] Clients = ["portal", "mobile", "cli"];

    private readonly TenantDriver _tenant = new(fixture.Grains, TestData.Id("t"), 4);

    private SessionTableReader Table => fixture.Cluster.TableOn(fixture.Cluster.Silos[1].SiloAddress);

    /// <summary>
    /// Twelve users in three microtenants with one to three sessions each over three clients,
    /// created seconds apart, then ended every way there is: user logout, administrator, user
    /// logout-all, denylist, a client's logout-all (computed, never stored) and idle expiry.
    /// </summary>
    private async Task SeedAsync()
    {
        await _tenant.CreateAsync();
        await _tenant.Tenant.CreateMicrotenant("emea", "EMEA");
        await _tenant.Tenant.CreateMicrotenant("apac", "APAC");
        var sessions = new List<SessionTokens>();
        for (var i = 0; i < 12; i++)
        {
            for (var j = 0; j <= i % 3; j++)
            {
                var client = Clients[(i + j) % Clients.Length];
                sessions.Add(await _tenant.SignInAsync($"u{i:D2}", client, Microtenants[i % 3]));
                fixture.Time.Advance(TimeSpan.FromSeconds(7));
            }
        }

        var idle = await _tenant.SignInAsync("u12", "portal", "emea", TenantPolicy.Default with { IdleTimeoutSeconds = 60 });
        await _tenant.Session(sessions[0].SessionId).Logout(TenantDriver.HashOf(sessions[0].Token, SecretKind.AccessToken));
        await _tenant.Session(sessions[3].SessionId).End(EndReason.AdminTerminated);
        await _tenant.Session(sessions[10].SessionId).End(EndReason.AdminTerminated);
        await _tenant.User("u01").EndAll(EndReason.UserLogoutAll);
        await _tenant.User("u05").Denylist(null);
        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        await _tenant.Tenant.LogoutAll("cli");
        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        await _tenant.SignInAsync("u02", "cli", "apac");
        await _tenant.SignInAsync("u13", "cli", "emea");

        // Past the idle session's deadline and the shards' grace for written-behind activity.
        fixture.Time.Advance(TimeSpan.FromSeconds(60) + ShardIndex.IdleGrace + TimeSpan.FromSeconds(3));
        Assert.True(idle.IdleExpiresAt < fixture.Time.GetUtcNow() - ShardIndex.IdleGrace);
    }

    private static SessionStats BruteForce(IReadOnlyList<SessionRow> items, DateTimeOffset asOf)
    {
        var active = items.Where(s => s.Status == SessionStatus.Active).ToList();
        var byClient = items
            .GroupBy(s => s.ClientId)
            .Select(g => new ClientCount(g.Key, g.Count(s => s.Status == SessionStatus.Active), g.Count()))
            .ToList();
        var duration = items.Sum(s => ((s.EndedAt ?? asOf) - s.CreatedAt).TotalSeconds);
        return new SessionStats(
            items.Count, active.Count, items.Select(s => s.UserId).Distinct().Count(), ActiveUsersOf(items), duration, byClient);
    }

    private static int ActiveUsersOf(IEnumerable<SessionRow> items) =>
        items.Where(s => s.Status == SessionStatus.Active).Select(s => s.UserId).Distinct().Count();

    private static void AssertSame(SessionStats expected, SessionStats actual)
    {
        Assert.Equal(expected.Total, actual.Total);
        Assert.Equal(expected.Active, actual.Active);
        Assert.Equal(expected.UniqueUsers, actual.UniqueUsers);
        Assert.Equal(expected.ActiveUsers, actual.ActiveUsers);
        Assert.Equal(expected.AverageDurationSeconds, actual.AverageDurationSeconds, 6);
        Assert.Equal(expected.ByClient.OrderBy(c => c.ClientId), actual.ByClient.OrderBy(c => c.ClientId));
    }

    [Fact]
    public async Task Tenant_stats_equal_a_brute_force_count_over_the_full_listing()
    {
        await SeedAsync();
        // The shards compute stats at their own "now"; with the session clock frozen that is this instant.
        var asOf = fixture.Time.GetUtcNow();

        var (total, items) = await _tenant.ListAllAsync(Table, asOf);
        var stats = await Table.StatsAsync(_tenant.TenantId, null);

        Assert.Equal(total, items.Count);
        var expected = BruteForce(items, asOf);
        // The seed must exercise every part of the aggregate, or equality proves little.
        Assert.InRange(expected.Active, 1, expected.Total - 5);
        Assert.Contains(items, s => s.EndReason == EndReason.TenantLogoutAll);
        Assert.Contains(items, s => s.EndReason == EndReason.IdleTimeout);
        Assert.InRange(expected.ActiveUsers, 1, expected.UniqueUsers - 1);
        AssertSame(expected, stats);
    }

    [Theory]
    [InlineData("emea")]
    [InlineData("apac")]
    public async Task Microtenant_stats_equal_a_brute_force_count_over_that_microtenants_listing(string microtenantId)
    {
        await SeedAsync();
        var asOf = fixture.Time.GetUtcNow();

        var (_, items) = await _tenant.ListAllAsync(Table, asOf, microtenantId);
        var stats = await Table.StatsAsync(_tenant.TenantId, microtenantId);

        Assert.NotEmpty(items);
        Assert.All(items, s => Assert.Equal(microtenantId, s.MicrotenantId));
        AssertSame(BruteForce(items, asOf), stats);
    }
}
