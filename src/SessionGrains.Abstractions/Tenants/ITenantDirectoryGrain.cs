using Orleans.Concurrency;

namespace SessionGrains.Tenants;

/// <summary>
/// The list of tenant ids (a single grain, key <see cref="Key"/>), so the operator can page
/// through tenants without a scan of storage.
/// </summary>
public interface ITenantDirectoryGrain : IGrainWithStringKey
{
    /// <summary>The one key this grain is used with.</summary>
    const string Key = "all";

    /// <summary>Records a tenant id; idempotent.</summary>
    Task Add(string tenantId);

    /// <summary>All tenant ids, in ordinal order.</summary>
    Task<IReadOnlyList<string>> List();

    /// <summary>
    /// True when <paramref name="tenantId"/> is listed. Every tenant that exists is (the directory is
    /// written first at creation), so false means it does not exist, and nothing else need be asked.
    /// </summary>
    [ReadOnly]
    Task<bool> Contains(string tenantId);
}
