using Microsoft.Extensions.DependencyInjection;
using SessionGrains.Grains.Caching;
using SessionGrains.Sessions;
using SessionGrains.Tenants;
using SessionGrains.Tests.Infrastructure;
using SessionGrains.Tests.Infrastructure.Faults;
using SessionGrains.Users;

namespace SessionGrains.Tests.Grains;

/// <summary>
/// A change is visible only once it is stored: when the write of the tenant, user or denylist
/// state fails, the call fails and nothing of the change remains, neither in the grain's memory
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

        Assert.Null((await _tenant.User("ada").SignIn(TestData.SignIn("ada"))).Error);
        Assert.DoesNotContain(await Denylist(), e => e.UserId == "ada");
    }

    [Fact]
    public async Task A_denylisting_whose_list_write_failed_leaves_no_trace()
    {
        await _tenant.CreateAsync();

        await FailingWritesOf("denylist", async () => await _tenant.User("ada").Denylist("fraud"));

        Assert.DoesNotContain(await Denylist(), e => e.UserId == "ada");
        Assert.Null((await _tenant.User("ada").SignIn(TestData.SignIn("ada"))).Error);
    }

    [Fact]
    public async Task A_removal_from_the_denylist_whose_write_failed_keeps_the_user_denylisted()
    {
        await _tenant.CreateAsync();
        await _tenant.User("ada").Denylist("fraud");

        await FailingWritesOf("user", async () => await _tenant.User("ada").RemoveFromDenylist());

        Assert.Equal(SignInError.UserDenylisted, (await _tenant.User("ada").SignIn(TestData.SignIn("ada"))).Error);
        Assert.Contains(await Denylist(), e => e.UserId == "ada");
    }

    [Fact]
    public async Task A_removal_whose_list_write_failed_keeps_the_user_listed()
    {
        await _tenant.CreateAsync();
        await _tenant.User("ada").Denylist("fraud");

        await FailingWritesOf("denylist", async () => await _tenant.User("ada").RemoveFromDenylist());

        Assert.Contains(await Denylist(), e => e.UserId == "ada");
        Assert.Equal(SignInError.UserDenylisted, (await _tenant.User("ada").SignIn(TestData.SignIn("ada"))).Error);
    }

    private Task<IReadOnlyList<DenylistEntry>> Denylist() =>
        fixture.Cluster.Grains.GetGrain<ITenantDenylistGrain>(_tenant.TenantId).List();

    private void Advance(TimeSpan by) => fixture.Cluster.Time.Advance(by);

    /// <summary>Runs <paramref name="change"/> while every silo fails writes of <paramref name="stateName"/>; it must fail.</summary>
    private async Task<Exception> FailingWritesOf(string stateName, Func<Task> change)
    {
        var faults = fixture.Cluster.Cluster.Silos
            .Select(s => fixture.Cluster.Cluster.GetSiloServiceProvider(s.SiloAddress).GetRequiredService<SiloFaults>())
            .ToList();
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
