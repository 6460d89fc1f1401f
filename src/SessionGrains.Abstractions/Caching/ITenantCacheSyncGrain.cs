using SessionGrains.Tenants;

namespace SessionGrains.Caching;

/// <summary>
/// One activation per silo (key: the silo's address), placed on that silo, through which a
/// tenant grain pushes a new snapshot into that silo's cache and waits for the acknowledgement.
/// </summary>
public interface ITenantCacheSyncGrain : IGrainWithStringKey
{
    /// <summary>Stores the snapshot in this silo's cache unless the cache holds a newer one.</summary>
    Task Apply(TenantSnapshot snapshot);
}
