using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using SessionGrains.Grains.Caching;
using SessionGrains.Tenants;
using SessionGrains.Tests.Infrastructure;
using SessionGrains.Tests.Infrastructure.Faults;

namespace SessionGrains.Tests.Grains;

/// <summary>
/// Invariant 5: a tenant change returns only once every silo that could serve the old state has
/// acknowledged it or can no longer serve it. Here a push is really lost (the receiving silo's
/// filter swallows it: no apply, no acknowledgement), a silo is cut off from the tenant grain, and a
/// silo the tenant grain's silo has not heard of yet holds the tenant.
/// The lease runs on the session clock, which every silo of the cluster shares (FakeTimeProvider),
/// so it is moved in steps; each test has a cluster of its own, as a lost push blocks its receiver.
/// </summary>
[Trait("Category", "Cluster")]
public sealed class LostPushGrainTests : IAsyncLifetime
{
    private readonly SqliteDatabases _databases = new();
    private readonly string _tenantId = TestData.Id("t");
    private GrainCluster? _cluster;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            foreach (var silo in _cluster.Cluster.Silos)
            {
                Faults(silo.SiloAddress).ReleaseDropped();
                Faults(silo.SiloAddress).ReleaseAnswers();
            }

            await _cluster.DisposeAsync();
        }

        await _databases.DisposeAsync();
    }

    [Fact]
    public async Task A_key_deletion_whose_push_is_lost_returns_only_once_that_silo_refuses_the_key()
    {
        var lease = TimeSpan.FromSeconds(2);
        var cluster = await StartAsync(lease);
        var tenant = cluster.Grains.GetGrain<ITenantGrain>(_tenantId);
        await tenant.Create("Acme", 2);
        var key = (await tenant.CreateApiKey("idp", ApiKeyRole.Service, null))!;
        var missed = cluster.Cluster.Silos[1].SiloAddress;
        Assert.True((await Cache(missed).GetAsync(_tenantId)).Keys.ContainsKey(key.Info.KeyId));

        Faults(missed).DropPushes = true;
        var deletion = tenant.DeleteApiKey(key.Info.KeyId);
        await Faults(missed).PushDropped.WaitAsync(TimeSpan.FromSeconds(30));

        // Session time moves in small steps; the deletion may return at any of them, but only
        // once the silo that missed its push can no longer serve the key.
        var step = TimeSpan.FromMilliseconds(250);
        var moved = TimeSpan.Zero;
        for (var i = 0; i < 80 && !deletion.IsCompleted; i++)
        {
            cluster.Time.Advance(step);
            moved += step;
            await Task.WhenAny(deletion, Task.Delay(step));
        }

        Assert.True(deletion.IsCompleted, $"The deletion had not returned after {moved} of session time.");
        Assert.True(await deletion);
        Assert.False(
            (await Cache(missed).GetAsync(_tenantId)).Keys.ContainsKey(key.Info.KeyId),
            $"The deletion returned after {moved} of session time while the silo that missed its push still served the key.");
        Assert.InRange(moved, lease, lease * 1.5);
    }

    [Fact]
    public async Task A_silo_cut_off_from_the_tenant_grain_fails_rather_than_serve_past_its_lease()
    {
        var lease = TimeSpan.FromSeconds(2);
        var cluster = await StartAsync(lease);
        var tenant = cluster.Grains.GetGrain<ITenantGrain>(_tenantId);
        await tenant.Create("Acme", 2);
        var cutOff = cluster.Cluster.Silos[1].SiloAddress;
        Assert.True((await Cache(cutOff).GetAsync(_tenantId)).Exists);

        Faults(cutOff).CutOffFromTenants = true;
        cluster.Time.Advance(lease + TimeSpan.FromMilliseconds(1));

        // A timeout is what the HTTP layer answers as 503 unavailable.
        await Assert.ThrowsAsync<TimeoutException>(async () => await Cache(cutOff).GetAsync(_tenantId));
    }

    [Fact]
    public async Task A_snapshot_that_arrives_late_is_trusted_for_a_lease_from_when_it_was_asked_for()
    {
        var cluster = await StartAsync(lease: null);
        var lease = new TenantCacheOptions().Lease;
        var tenant = cluster.Grains.GetGrain<ITenantGrain>(_tenantId);
        await tenant.Create("Acme", 2);
        var silo = cluster.Cluster.Silos[1].SiloAddress;
        cluster.Time.Advance(lease * 2);

        // The answer is held back for most of a lease, as a slow network or a busy silo would.
        Faults(silo).HoldAnswers();
        var fetch = Cache(silo).GetAsync(_tenantId).AsTask();
        await Faults(silo).AnswerHeld.WaitAsync(TimeSpan.FromSeconds(30));
        cluster.Time.Advance(lease - TimeSpan.FromSeconds(1));
        Faults(silo).ReleaseAnswers();
        Assert.True((await fetch.WaitAsync(TimeSpan.FromSeconds(30))).Exists);
        var fetches = Faults(silo).SnapshotFetches;

        // A lease after the request was sent, though well within a lease of the answer's arrival.
        cluster.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.True((await Cache(silo).GetAsync(_tenantId)).Exists);

        Assert.Equal(fetches + 1, Faults(silo).SnapshotFetches);
    }

    [Fact]
    public async Task A_push_brings_the_newer_snapshot_but_no_lease_of_its_own()
    {
        var cluster = await StartAsync(lease: null);
        var lease = new TenantCacheOptions().Lease;
        var tenant = cluster.Grains.GetGrain<ITenantGrain>(_tenantId);
        await tenant.Create("Acme", 2);
        var silo = cluster.Cluster.Silos[1].SiloAddress;
        await Cache(silo).GetAsync(_tenantId);
        var fetches = Faults(silo).SnapshotFetches;

        // A push may arrive late, after a newer change already waited this silo's lease out; so
        // the pushed policy is served at once, but only for the rest of the fetched entry's lease.
        cluster.Time.Advance(lease - TimeSpan.FromSeconds(1));
        await tenant.SetPolicy(TenantPolicy.Default with { MaxSessionsPerUser = 4 });
        Assert.Equal(4, (await Cache(silo).GetAsync(_tenantId)).Policy.MaxSessionsPerUser);
        Assert.Equal(fetches, Faults(silo).SnapshotFetches);

        cluster.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(4, (await Cache(silo).GetAsync(_tenantId)).Policy.MaxSessionsPerUser);
        Assert.Equal(fetches + 1, Faults(silo).SnapshotFetches);
    }

    [Fact]
    public async Task A_silo_declared_dead_is_waited_out_for_one_lease_and_then_no_longer()
    {
        var lease = TimeSpan.FromSeconds(2);
        var cluster = await StartAsync(lease);
        var survivor = cluster.Cluster.Silos[0];
        var tenant = cluster.Cluster.GrainsOn(survivor.SiloAddress).GetGrain<ITenantGrain>(_tenantId);
        await tenant.Create("Acme", 2);
        await Cache(cluster.Cluster.Silos[1].SiloAddress).GetAsync(_tenantId);

        // Killed, it is gone; but the survivor cannot tell that from a silo cut off by a partition
        // that still serves what it holds until its lease runs out.
        await cluster.Cluster.KillSiloAsync(cluster.Cluster.Silos[1]);
        await cluster.Cluster.WaitForLivenessToStabilizeAsync(didKill: true);

        var (first, firstMoved) = await StepUntilDoneAsync(cluster, tenant.SetPolicy(TenantPolicy.Default with { MaxSessionsPerUser = 2 }));
        Assert.NotNull(first);
        Assert.InRange(firstMoved, lease, lease * 1.5);

        var (second, secondMoved) = await StepUntilDoneAsync(cluster, tenant.SetPolicy(TenantPolicy.Default with { MaxSessionsPerUser = 3 }));
        Assert.NotNull(second);
        Assert.Equal(TimeSpan.Zero, secondMoved);
    }

    /// <summary>
    /// A silo that has just joined can fetch a tenant before the tenant grain's silo hears of it:
    /// the grain pushes its changes to every silo it lent the snapshot to, not only to the members
    /// its silo sees. Here each silo's broadcasts do not see the other, so whichever silo holds the
    /// tenant grain, the other is the one just joined.
    /// </summary>
    [Fact]
    public async Task A_silo_the_tenant_grains_silo_has_not_heard_of_yet_gets_the_change_before_it_returns()
    {
        var cluster = await StartAsync(lease: null);
        var silos = cluster.Cluster.Silos.Select(s => s.SiloAddress).ToArray();
        Faults(silos[0]).NotYetSeen = new HashSet<SiloAddress> { silos[1] };
        Faults(silos[1]).NotYetSeen = new HashSet<SiloAddress> { silos[0] };
        var tenant = cluster.Grains.GetGrain<ITenantGrain>(_tenantId);
        await tenant.Create("Acme", 2);
        var key = (await tenant.CreateApiKey("idp", ApiKeyRole.Service, null))!;
        foreach (var silo in silos)
        {
            Assert.True((await Cache(silo).GetAsync(_tenantId)).Keys.ContainsKey(key.Info.KeyId));
        }

        // No session time passes: every lease still runs, so only a push can change what they serve.
        Assert.True(await tenant.DeleteApiKey(key.Info.KeyId).WaitAsync(TimeSpan.FromSeconds(30)));
        foreach (var silo in silos)
        {
            Assert.False(
                (await Cache(silo).GetAsync(_tenantId)).Keys.ContainsKey(key.Info.KeyId),
                $"Silo {silo} still serves the deleted key.");
        }
    }

    /// <summary>Moves session time in small steps until <paramref name="call"/> returns; how far it moved.</summary>
    private static async Task<(T Result, TimeSpan Moved)> StepUntilDoneAsync<T>(GrainCluster cluster, Task<T> call)
    {
        var step = TimeSpan.FromMilliseconds(250);
        var moved = TimeSpan.Zero;
        for (var i = 0; i < 80; i++)
        {
            if (await Task.WhenAny(call, Task.Delay(step)) == call)
            {
                return (await call, moved);
            }

            cluster.Time.Advance(step);
            moved += step;
        }

        throw new TimeoutException($"The call had not returned after {moved} of session time.");
    }

    private async Task<GrainCluster> StartAsync(TimeSpan? lease)
    {
        _cluster = await GrainCluster.StartAsync(await _databases.CreateAsync(CancellationToken.None), CancellationToken.None, builder =>
        {
            if (lease is { } seconds)
            {
                builder.ConfigureSiloHost((_, host) => host.Configuration.AddInMemoryCollection(
                    [new("SessionGrains:TenantCache:LeaseSeconds", seconds.TotalSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture))]));
            }

            builder.ConfigureSilo((_, silo) => silo.AddFaults());
        });
        return _cluster;
    }

    private IServiceProvider Services(SiloAddress silo) => _cluster!.Cluster.GetSiloServiceProvider(silo);

    private TenantCache Cache(SiloAddress silo) => Services(silo).GetRequiredService<TenantCache>();

    private SiloFaults Faults(SiloAddress silo) => Services(silo).GetRequiredService<SiloFaults>();
}
