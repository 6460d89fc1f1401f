using Microsoft.Extensions.DependencyInjection;
using SessionGrains.Grains.Caching;
using SessionGrains.Tenants;
using SessionGrains.Tests.Infrastructure;

namespace SessionGrains.Tests.Grains;

/// <summary>Every silo's tenant cache holds a change once the call that made it returns.</summary>
[Trait("Category", "Cluster")]
[Collection(GrainClusterCollection.Name)]
public sealed class TenantCacheGrainTests(GrainClusterFixture fixture)
{
    private readonly string _tenant = TestData.Id("t");

    private IReadOnlyList<TenantCache> Caches() => fixture.Cluster.Silos
        .Select(s => fixture.Cluster.GetSiloServiceProvider(s.SiloAddress).GetRequiredService<TenantCache>())
        .ToList();

    [Fact]
    public async Task A_deleted_key_leaves_every_silos_cache_before_the_delete_returns()
    {
        var tenant = fixture.Grains.GetGrain<ITenantGrain>(_tenant);
        await tenant.Create("Acme", 4);
        var key = (await tenant.CreateApiKey("idp", ApiKeyRole.Service, null))!;
        var caches = Caches();
        Assert.Equal(2, caches.Count);
        foreach (var cache in caches)
        {
            Assert.True((await cache.GetAsync(_tenant)).Keys.ContainsKey(key.Info.KeyId));
        }

        Assert.True(await tenant.DeleteApiKey(key.Info.KeyId));

        // No time passes: the lease still holds, so only the push can have changed these entries.
        foreach (var cache in caches)
        {
            Assert.False((await cache.GetAsync(_tenant)).Keys.ContainsKey(key.Info.KeyId));
        }
    }

    [Fact]
    public async Task A_new_policy_reaches_every_silo_before_the_change_returns()
    {
        var tenant = fixture.Grains.GetGrain<ITenantGrain>(_tenant);
        await tenant.Create("Acme", 4);
        foreach (var cache in Caches())
        {
            Assert.Equal(TenantPolicy.Default, (await cache.GetAsync(_tenant)).Policy);
        }

        var policy = new TenantPolicy(60, 600, 3, SessionLimitAction.EvictOldest, 5);
        await tenant.SetPolicy(policy);

        foreach (var cache in Caches())
        {
            Assert.Equal(policy, (await cache.GetAsync(_tenant)).Policy);
        }
    }

    [Fact]
    public async Task An_older_snapshot_never_replaces_a_newer_one()
    {
        var tenant = fixture.Grains.GetGrain<ITenantGrain>(_tenant);
        await tenant.Create("Acme", 4);
        var before = await tenant.GetSnapshot();
        await tenant.SetPolicy(TenantPolicy.Default with { MaxSessionsPerUser = 7 });
        var cache = Caches()[0];

        // A fetch answered before the change but arriving after its push.
        var kept = cache.Apply(before);

        Assert.Equal(7, kept.Policy.MaxSessionsPerUser);
        Assert.Equal(7, (await cache.GetAsync(_tenant)).Policy.MaxSessionsPerUser);
    }
}
