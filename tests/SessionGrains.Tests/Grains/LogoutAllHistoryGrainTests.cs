using SessionGrains.Grains.SessionTable;
using SessionGrains.SessionTable;
using SessionGrains.Sessions;
using SessionGrains.Tenants;
using SessionGrains.Tests.Infrastructure;

namespace SessionGrains.Tests.Grains;

/// <summary>
/// A logout-all ends sessions by a marker rather than by visiting them, so what the table shows
/// for them is computed. A later logout-all must not rewrite when or why an earlier one ended them.
/// </summary>
[Trait("Category", "Cluster")]
[Collection(GrainClusterCollection.Name)]
public sealed class LogoutAllHistoryGrainTests(GrainClusterFixture fixture)
{
    private readonly TenantDriver _tenant = new(fixture.Grains, TestData.Id("t"), 4);

    private SessionTableReader Table => fixture.Cluster.TableOn(fixture.Cluster.Silos[0].SiloAddress);

    private async Task<SessionRow> RowAsync(string sessionId) =>
        (await _tenant.ListAllAsync(Table)).Items.Single(s => s.SessionId == sessionId);

    [Fact]
    public async Task A_second_logout_all_keeps_the_end_time_the_first_one_gave()
    {
        await _tenant.CreateAsync();
        var tokens = await _tenant.SignInAsync("ada");
        fixture.Time.Advance(TimeSpan.FromSeconds(10));
        var first = (await _tenant.Tenant.LogoutAll(null))!.Value;
        Assert.Equal(first, (await RowAsync(tokens.SessionId)).EndedAt);
        fixture.Time.Advance(TimeSpan.FromMinutes(5));

        await _tenant.Tenant.LogoutAll(null);

        var row = await RowAsync(tokens.SessionId);
        Assert.Equal(EndReason.TenantLogoutAll, row.EndReason);
        Assert.Equal(first, row.EndedAt);
        Assert.Equal(first, (await _tenant.Session(tokens.SessionId).GetDetails())!.Row.EndedAt);
    }

    [Fact]
    public async Task A_second_logout_all_does_not_turn_a_logged_out_session_into_an_idle_one()
    {
        await _tenant.CreateAsync();
        var tokens = await _tenant.SignInAsync("ada", policy: TenantPolicy.Default with { IdleTimeoutSeconds = 60 });
        fixture.Time.Advance(TimeSpan.FromSeconds(10));
        await _tenant.Tenant.LogoutAll(null);
        // Past the idle deadline (and the shards' grace): the logout-all still came first.
        fixture.Time.Advance(TimeSpan.FromSeconds(60) + ShardIndex.IdleGrace);
        Assert.Equal(EndReason.TenantLogoutAll, (await RowAsync(tokens.SessionId)).EndReason);

        await _tenant.Tenant.LogoutAll(null);

        var row = await RowAsync(tokens.SessionId);
        Assert.Equal(SessionStatus.Terminated, row.Status);
        Assert.Equal(EndReason.TenantLogoutAll, row.EndReason);
        Assert.Equal(InactiveReason.Terminated, (await _tenant.ValidateAsync(tokens)).Reason);
    }

    [Fact]
    public async Task A_logout_all_stays_in_force_however_many_later_logout_alls_follow_it()
    {
        await _tenant.CreateAsync();
        var tokens = await _tenant.SignInAsync("ada", "portal");
        fixture.Time.Advance(TimeSpan.FromSeconds(10));
        var first = (await _tenant.Tenant.LogoutAll(null))!.Value;

        // Seen through the table only: touching the session would store its end, and the point
        // is a session that nothing visits after the logout-all.
        var ended = await RowAsync(tokens.SessionId);
        Assert.Equal((SessionStatus.Terminated, first, EndReason.TenantLogoutAll), (ended.Status, ended.EndedAt, ended.EndReason));

        for (var i = 0; i < LogoutAllRule.MaxKept; i++)
        {
            fixture.Time.Advance(TimeSpan.FromSeconds(1));
            Assert.NotNull(await _tenant.Tenant.LogoutAll("mobile"));
        }

        await AssertEndedByTheFirstAsync();

        // The tenant's markers come back to what it keeps, and the session's end with them.
        await Poll.UntilAsync(
            async _ => (await _tenant.Tenant.GetSnapshot()).LogoutAlls.Count <= LogoutAllRule.MaxKept,
            TimeSpan.FromSeconds(30), () => "the tenant kept more logout-alls than it may", CancellationToken.None);
        await AssertEndedByTheFirstAsync();

        var validation = await _tenant.ValidateAsync(tokens);
        Assert.False(validation.Active);
        Assert.Equal(InactiveReason.Terminated, validation.Reason);
        var details = (await _tenant.Session(tokens.SessionId).GetDetails())!.Row;
        Assert.Equal((SessionStatus.Terminated, first, EndReason.TenantLogoutAll), (details.Status, details.EndedAt, details.EndReason));
        await AssertEndedByTheFirstAsync();

        async Task AssertEndedByTheFirstAsync()
        {
            var row = await RowAsync(tokens.SessionId);
            Assert.Equal((SessionStatus.Terminated, first, EndReason.TenantLogoutAll), (row.Status, row.EndedAt, row.EndReason));
            var stats = await Table.StatsAsync(_tenant.TenantId, null);
            Assert.Equal((1L, 0L), (stats.Total, stats.Active));
            Assert.Equal(10, stats.TotalDurationSeconds);
        }
    }
}
