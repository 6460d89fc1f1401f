using SessionGrains.SessionTable;
using SessionGrains.Sessions;
using SessionGrains.Tests.Infrastructure;

namespace SessionGrains.Tests.Grains;

/// <summary>
/// Invariant 1 (strict revocation) on two silos: once an end-session call returns, no validate
/// and no refresh succeeds for what it ended, whichever silo the call comes through, and the
/// session table on every silo already shows the end with its reason.
/// </summary>
[Trait("Category", "Cluster")]
[Collection(GrainClusterCollection.Name)]
public sealed class StrictRevocationGrainTests(GrainClusterFixture fixture)
{
    private const int Users = 40;

    private readonly TenantDriver _tenant = new(fixture.Grains, TestData.Id("t"), 4);

    private Orleans.TestingHost.InProcessTestCluster Cluster => fixture.Cluster;

    /// <summary>
    /// One session for each of <see cref="Users"/> users, each created a millisecond after the
    /// previous one, spread over both silos (checked, since "on any silo" means nothing otherwise).
    /// </summary>
    private async Task<List<(string UserId, SessionTokens Tokens)>> SeedAsync(Func<int, string>? clientOf = null)
    {
        await _tenant.CreateAsync();
        var sessions = new List<(string, SessionTokens)>();
        for (var i = 0; i < Users; i++)
        {
            var userId = $"user-{i:D2}";
            sessions.Add((userId, await _tenant.SignInAsync(userId, clientOf?.Invoke(i) ?? "portal")));
            fixture.Time.Advance(TimeSpan.FromMilliseconds(1));
        }

        var hosts = new HashSet<SiloAddress>();
        foreach (var (_, tokens) in sessions)
        {
            hosts.Add((await Cluster.HostOfAsync(_tenant.Session(tokens.SessionId)))!);
        }

        Assert.Equal(2, hosts.Count);
        return sessions;
    }

    /// <summary>The test client plus each silo's own grain factory: every way a request can reach a session.</summary>
    private IEnumerable<IGrainFactory> EveryEntryPoint() =>
        Cluster.Silos.Select(s => Cluster.GrainsOn(s.SiloAddress)).Prepend(fixture.Grains);

    private async Task AssertEndedEverywhereAsync(IEnumerable<SessionTokens> ended, EndReason reason)
    {
        var endedList = ended.ToList();
        Assert.NotEmpty(endedList);

        // Listing first: validating a session that a logout-all ended would store the end, and
        // the table must show it before anything touches the session.
        foreach (var silo in Cluster.Silos)
        {
            var (_, items) = await _tenant.ListAllAsync(Cluster.TableOn(silo.SiloAddress));
            var byId = items.ToDictionary(s => s.SessionId);
            foreach (var tokens in endedList)
            {
                var row = byId[tokens.SessionId];
                Assert.Equal(SessionStatus.Terminated, row.Status);
                Assert.Equal(reason, row.EndReason);
                Assert.NotNull(row.EndedAt);
            }
        }

        foreach (var tokens in endedList)
        {
            foreach (var entry in EveryEntryPoint())
            {
                var validation = await _tenant.ValidateAsync(tokens, entry);
                Assert.False(validation.Active);
                Assert.Equal(InactiveReason.Terminated, validation.Reason);
                Assert.Equal(RefreshError.InvalidRefreshToken, (await _tenant.RefreshAsync(tokens, entry)).Error);
            }
        }
    }

    private async Task AssertStillActiveAsync(IEnumerable<SessionTokens> untouched)
    {
        foreach (var tokens in untouched)
        {
            Assert.True((await _tenant.ValidateAsync(tokens)).Active);
        }
    }

    [Fact]
    public async Task An_admin_terminate_stops_validate_and_refresh_through_every_silo_as_soon_as_it_returns()
    {
        var sessions = await SeedAsync();
        var ended = sessions.Where((_, i) => i % 5 == 0).Select(s => s.Tokens).ToList();

        foreach (var tokens in ended)
        {
            Assert.Equal(EndOutcome.Terminated, await _tenant.Session(tokens.SessionId).End(EndReason.AdminTerminated));
        }

        await AssertEndedEverywhereAsync(ended, EndReason.AdminTerminated);
        await AssertStillActiveAsync(sessions.Where((_, i) => i % 5 != 0).Select(s => s.Tokens));
    }

    [Fact]
    public async Task A_bulk_terminate_in_parallel_ends_every_session_it_named_and_no_other()
    {
        var sessions = await SeedAsync();
        var ended = sessions.Take(30).Select(s => s.Tokens).ToList();

        var outcomes = await Task.WhenAll(ended.Select(t => _tenant.Session(t.SessionId).End(EndReason.AdminTerminated)));

        Assert.All(outcomes, o => Assert.Equal(EndOutcome.Terminated, o));
        await AssertEndedEverywhereAsync(ended, EndReason.AdminTerminated);
        await AssertStillActiveAsync(sessions.Skip(30).Select(s => s.Tokens));
    }

    [Fact]
    public async Task A_user_logout_all_ends_every_session_of_that_user_only()
    {
        var sessions = await SeedAsync();
        // Two more sessions for one user, so "all of the user" is more than one.
        var extra = new[] { await _tenant.SignInAsync("user-07"), await _tenant.SignInAsync("user-07", "mobile") };
        var ended = sessions.Where(s => s.UserId == "user-07").Select(s => s.Tokens).Concat(extra).ToList();

        Assert.Equal(3, await _tenant.User("user-07").EndAll(EndReason.UserLogoutAll));

        await AssertEndedEverywhereAsync(ended, EndReason.UserLogoutAll);
        await AssertStillActiveAsync(sessions.Where(s => s.UserId != "user-07").Select(s => s.Tokens));
    }

    [Fact]
    public async Task A_denylist_ends_every_session_of_the_user_before_it_returns()
    {
        var sessions = await SeedAsync();
        var extra = await _tenant.SignInAsync("user-13", "mobile");
        var ended = sessions.Where(s => s.UserId == "user-13").Select(s => s.Tokens).Append(extra).ToList();

        Assert.Equal(2, await _tenant.User("user-13").Denylist("stolen laptop"));

        await AssertEndedEverywhereAsync(ended, EndReason.Denylisted);
        await AssertStillActiveAsync(sessions.Where(s => s.UserId != "user-13").Select(s => s.Tokens));
    }

    [Fact]
    public async Task A_tenant_logout_all_ends_every_session_created_before_it_and_none_created_after()
    {
        var sessions = await SeedAsync();
        fixture.Time.Advance(TimeSpan.FromMilliseconds(1));

        var notBefore = await _tenant.Tenant.LogoutAll(null);

        Assert.Equal(fixture.Time.GetUtcNow(), notBefore);
        await AssertEndedEverywhereAsync(sessions.Select(s => s.Tokens), EndReason.TenantLogoutAll);

        fixture.Time.Advance(TimeSpan.FromMilliseconds(1));
        var after = await _tenant.SignInAsync("user-00");
        Assert.True((await _tenant.ValidateAsync(after)).Active);
    }

    [Fact]
    public async Task A_logout_all_of_one_client_ends_that_clients_sessions_and_leaves_the_others_active()
    {
        var sessions = await SeedAsync(i => i % 2 == 0 ? "portal" : "mobile");
        fixture.Time.Advance(TimeSpan.FromMilliseconds(1));

        Assert.NotNull(await _tenant.Tenant.LogoutAll("mobile"));

        var mobile = sessions.Where((_, i) => i % 2 == 1).Select(s => s.Tokens).ToList();
        var portal = sessions.Where((_, i) => i % 2 == 0).Select(s => s.Tokens).ToList();
        await AssertEndedEverywhereAsync(mobile, EndReason.TenantLogoutAll);
        await AssertStillActiveAsync(portal);
        var (_, active) = await fixture.Cluster.TableOn(fixture.Cluster.Silos[0].SiloAddress).QueryAsync(
            _tenant.TenantId, SessionQuery.Default with { Status = StatusFilter.Active, Take = int.MaxValue });
        Assert.Equal(portal.Select(t => t.SessionId).Order(), active.Select(s => s.SessionId).Order());
    }
}
