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
}
