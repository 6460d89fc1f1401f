using SessionGrains.Caching;
using SessionGrains.Tenants;

namespace SessionGrains.Grains.Caching;

/// <summary>The per-silo receiver of tenant snapshots; it writes into the silo's <see cref="TenantCache"/>.</summary>
[SiloPinnedPlacement]
internal sealed class TenantCacheSyncGrain(TenantCache cache) : Grain, ITenantCacheSyncGrain
{
    public Task Apply(TenantSnapshot snapshot)
    {
        cache.Apply(snapshot);
        return Task.CompletedTask;
    }
}
