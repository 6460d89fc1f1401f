using SessionGrains.Grains.Security;
using Microsoft.Extensions.DependencyInjection;
using SessionGrains.Grains.Caching;
using SessionGrains.Grains.Sessions;
using SessionGrains.Sessions;
using SessionGrains.Tenants;
using SessionGrains.Tests.Infrastructure;
using SessionGrains.Tests.Infrastructure.Faults;
using SessionGrains.Users;

namespace SessionGrains.Tests.Grains;

/// <summary>
/// A change is visible only once it is stored: when the write of the tenant, user, denylist or
/// session state fails, the call fails and nothing of the change remains, neither in the grain's memory
/// nor in any silo's tenant cache, nor in a later write. Storage fails for real: the silo's grain
/// storage throws what SQLite throws on a locked file.
/// </summary>
[Trait("Category", "Cluster")]
public sealed class FailedWriteGrainTests(FailedWriteGrainTests.Fixture fixture) : IClassFixture<FailedWriteGrainTests.Fixture>
{
    private readonly TenantDriver _tenant = new(fixture.Cluster.Grains, TestData.Id("t"), 2);

    [Fact]
    public async Task A_logout_all_whose_write_failed_is_not_served_and_not_stored_later()
    {
        await _tenant.CreateAsync();
        var session = await _tenant.SignInAsync("ada");

        await FailingWritesOf("tenant", async () => await _tenant.Tenant.LogoutAll(null));

        Assert.Empty((await _tenant.Tenant.GetSnapshot()).LogoutAlls);
        Advance(new TenantCacheOptions().Lease * 2);
        Assert.True((await _tenant.ValidateAsync(session)).Active, "The failed logout-all ended the session.");

        // The next change is stored whole: the failed one must not ride along with it.
        await _tenant.Tenant.SetPolicy(TenantPolicy.Default with { MaxSessionsPerUser = 9 });
        Assert.Empty((await _tenant.Tenant.GetSnapshot()).LogoutAlls);
        Assert.True((await _tenant.ValidateAsync(session)).Active);
    }

    [Fact]
    public async Task A_policy_change_whose_write_failed_leaves_the_policy_as_stored()
    {
        await _tenant.CreateAsync();

        await FailingWritesOf("tenant", async () => await _tenant.Tenant.SetPolicy(TenantPolicy.Default with { MaxSessionsPerUser = 1 }));

        Assert.Equal(TenantPolicy.Default, (await _tenant.Tenant.Get())!.Policy);
        Assert.Equal(TenantPolicy.Default, (await _tenant.Tenant.GetSnapshot()).Policy);
    }

    [Fact]
    public async Task A_denylisting_whose_user_write_failed_leaves_no_trace()
    {
        await _tenant.CreateAsync();

        await FailingWritesOf("user", async () => await _tenant.User("ada").Denylist("fraud"));

        Assert.Null((await _tenant.User("ada").SignIn(Secrets.NewSessionId(), TestData.SignIn("ada"))).Error);
        Assert.DoesNotContain(await Denylist(), e => e.UserId == "ada");
    }

    [Fact]
    public async Task A_denylisting_whose_list_write_failed_leaves_no_trace()
    {
        await _tenant.CreateAsync();

        await FailingWritesOf("denylist", async () => await _tenant.User("ada").Denylist("fraud"));

        Assert.DoesNotContain(await Denylist(), e => e.UserId == "ada");
        Assert.Null((await _tenant.User("ada").SignIn(Secrets.NewSessionId(), TestData.SignIn("ada"))).Error);
    }

    [Fact]
    public async Task A_removal_from_the_denylist_whose_write_failed_keeps_the_user_denylisted()
    {
        await _tenant.CreateAsync();
        await _tenant.User("ada").Denylist("fraud");

        await FailingWritesOf("user", async () => await _tenant.User("ada").RemoveFromDenylist());

        Assert.Equal(SignInError.UserDenylisted, (await _tenant.User("ada").SignIn(Secrets.NewSessionId(), TestData.SignIn("ada"))).Error);
        Assert.Contains(await Denylist(), e => e.UserId == "ada");
    }

    [Fact]
    public async Task A_removal_whose_list_write_failed_keeps_the_user_listed()
    {
        await _tenant.CreateAsync();
        await _tenant.User("ada").Denylist("fraud");

        await FailingWritesOf("denylist", async () => await _tenant.User("ada").RemoveFromDenylist());

        Assert.Contains(await Denylist(), e => e.UserId == "ada");
        Assert.Equal(SignInError.UserDenylisted, (await _tenant.User("ada").SignIn(Secrets.NewSessionId(), TestData.SignIn("ada"))).Error);
    }

    [Fact]
    public async Task A_terminate_whose_session_write_failed_leaves_the_session_active()
    {
        await _tenant.CreateAsync();
        var session = await _tenant.SignInAsync("ada");

        await FailingWritesOf("session", async () => await _tenant.Session(session.SessionId).End(EndReason.AdminTerminated));

        Assert.True((await _tenant.ValidateAsync(session)).Active, "The failed terminate ended the session.");
        Assert.Equal(SessionStatus.Active, await _tenant.Session(session.SessionId).GetStatus());
        Assert.Equal(EndOutcome.Terminated, await _tenant.Session(session.SessionId).End(EndReason.AdminTerminated));
    }

    [Fact]
    public async Task A_refresh_whose_session_write_failed_keeps_the_refresh_token_it_was_given()
    {
        await _tenant.CreateAsync();
        var session = await _tenant.SignInAsync("ada");

        await FailingWritesOf("session", async () => await _tenant.RefreshAsync(session));

        // The rotation was never stored: the token the client still holds is the current one, not a reused one.
        var refreshed = await _tenant.RefreshAsync(session);
        Assert.Null(refreshed.Error);
        Assert.True((await _tenant.ValidateAsync(refreshed.Tokens!)).Active);
    }

    [Fact]
    public async Task A_sign_in_whose_session_write_failed_leaves_no_session()
    {
        await _tenant.CreateAsync();

        await FailingWritesOf("session", async () => await _tenant.User("ada").SignIn(Secrets.NewSessionId(), TestData.SignIn("ada")));

        var table = fixture.Cluster.Cluster.TableOn(fixture.Cluster.Cluster.Silos[0].SiloAddress);
        Assert.Equal(0, (await _tenant.ListAllAsync(table)).Total);
        Assert.Equal(0, await _tenant.User("ada").EndAll(EndReason.UserLogout));
    }

    [Fact]
    public async Task An_expired_session_whose_end_cannot_be_stored_still_validates_as_expired()
    {
        await _tenant.CreateAsync();
        var session = await _tenant.SignInAsync("ada");

        // Past the idle deadline even with the grace a reactivated grain gives (it cannot know the
        // activity it may have lost), since the failed write drops the activation.
        Advance(TimeSpan.FromSeconds(TenantPolicy.Default.IdleTimeoutSeconds + 1) + ActivityWriteBehind.MaxLag);

        var faults = Faults();
        faults.ForEach(f => f.FailWritesOf = "session");
        try
        {
            Assert.Equal(InactiveReason.Expired, (await _tenant.ValidateAsync(session)).Reason);
        }
        finally
        {
            faults.ForEach(f => f.FailWritesOf = null);
        }

        Assert.Equal(InactiveReason.Expired, (await _tenant.ValidateAsync(session)).Reason);
        Assert.Equal(SessionStatus.Expired, await _tenant.Session(session.SessionId).GetStatus());
    }

    private Task<IReadOnlyList<DenylistEntry>> Denylist() =>
        fixture.Cluster.Grains.GetGrain<ITenantDenylistGrain>(_tenant.TenantId).List();

    private void Advance(TimeSpan by) => fixture.Cluster.Time.Advance(by);

    /// <summary>Runs <paramref name="change"/> while every silo fails writes of <paramref name="stateName"/>; it must fail.</summary>
    private async Task<Exception> FailingWritesOf(string stateName, Func<Task> change)
    {
        var faults = Faults();
        faults.ForEach(f => f.FailWritesOf = stateName);
        try
        {
            // The exception the HTTP layer answers as 503 unavailable.
            return await Assert.ThrowsAsync<ChangeNotStoredException>(change);
        }
        finally
        {
            faults.ForEach(f => f.FailWritesOf = null);
        }
    }

    private List<SiloFaults> Faults() => fixture.Cluster.Cluster.Silos
        .Select(s => fixture.Cluster.Cluster.GetSiloServiceProvider(s.SiloAddress).GetRequiredService<SiloFaults>())
        .ToList();

    /// <summary>A cluster on SQLite whose silos can fail writes (<see cref="SiloFaults"/>).</summary>
    public sealed class Fixture : IAsyncLifetime
    {
        private readonly SqliteDatabases _databases = new();

        public GrainCluster Cluster { get; private set; } = null!;

        public async Task InitializeAsync() => Cluster = await GrainCluster.StartAsync(
            await _databases.CreateAsync(CancellationToken.None), CancellationToken.None,
            builder => builder.ConfigureSilo((_, silo) => silo.AddFaults()));

        public async Task DisposeAsync()
        {
            await Cluster.DisposeAsync();
            await _databases.DisposeAsync();
        }
    }
}
