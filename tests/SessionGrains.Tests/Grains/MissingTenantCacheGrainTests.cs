using Microsoft.Extensions.DependencyInjection;
using SessionGrains.Grains.Caching;
using SessionGrains.Tenants;
using SessionGrains.Tests.Infrastructure;

namespace SessionGrains.Tests.Grains;

/// <summary>A tenant once found missing is usable on every silo the moment its creation returns.</summary>
[Trait("Category", "Cluster")]
[Collection(GrainClusterCollection.Name)]
public sealed class MissingTenantCacheGrainTests(GrainClusterFixture fixture)
{
    private readonly string _tenant = TestData.Id("mt");

    private IReadOnlyList<TenantCache> Caches() => fixture.Cluster.Silos
        .Select(s => fixture.Cluster.GetSiloServiceProvider(s.SiloAddress).GetRequiredService<TenantCache>())
        .ToList();

    [Fact]
    public async Task A_tenant_created_after_it_was_found_missing_is_usable_at_once_on_every_silo()
    {
        var caches = Caches();
        Assert.Equal(2, caches.Count);
        foreach (var cache in caches)
        {
            Assert.False((await cache.GetAsync(_tenant)).Exists);
        }

        var tenant = fixture.Grains.GetGrain<ITenantGrain>(_tenant);
        Assert.NotNull(await tenant.Create("Acme", 2));
        var key = (await tenant.CreateApiKey("idp", ApiKeyRole.Service, null))!;

        // No time passes: the missing answer is still fresh, so only the pushes can have replaced it.
        foreach (var cache in caches)
        {
            var snapshot = await cache.GetAsync(_tenant);
            Assert.True(snapshot.Exists);
            Assert.True(snapshot.Keys.ContainsKey(key.Info.KeyId));
        }
    }

    [Fact]
    public async Task A_missing_answer_that_arrives_after_the_creation_never_hides_the_tenant()
    {
        var tenant = fixture.Grains.GetGrain<ITenantGrain>(_tenant);
        Assert.NotNull(await tenant.Create("Acme", 2));
        var cache = Caches()[0];

        // A fetch answered before the creation but arriving after its push.
        var kept = cache.Apply(TenantSnapshot.Missing(_tenant));

        Assert.True(kept.Exists);
        Assert.True((await cache.GetAsync(_tenant)).Exists);
    }
}
