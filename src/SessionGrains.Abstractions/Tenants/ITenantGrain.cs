namespace SessionGrains.Tenants;

/// <summary>
/// One tenant (key: tenantId): its name, policy and API keys. Every change is durable and is
/// pushed to every silo's tenant cache before the call returns, so a deleted key or a new policy
/// holds cluster-wide from then on.
/// </summary>
public interface ITenantGrain : IGrainWithStringKey
{
    /// <summary>
    /// Creates the tenant with its session table split into <paramref name="sessionTableShards"/> shards
    /// (fixed for the tenant's life); null when it exists already.
    /// </summary>
    Task<TenantInfo?> Create(string name, int sessionTableShards);

    /// <summary>The tenant, or null when it does not exist.</summary>
    Task<TenantInfo?> Get();

    /// <summary>What silos cache: policy and key hashes, with a version that only grows.</summary>
    Task<TenantSnapshot> GetSnapshot();

    /// <summary>
    /// <see cref="GetSnapshot"/> for the tenant cache of <paramref name="holder"/>, which serves it
    /// for one lease: the tenant grain remembers the silo for that long and pushes its changes
    /// there too, even before its own silo's view of the cluster lists a silo that just joined.
    /// </summary>
    Task<TenantSnapshot> Lease(SiloAddress holder);

    /// <summary>Replaces the policy; null when the tenant does not exist.</summary>
    Task<TenantPolicy?> SetPolicy(TenantPolicy policy);

    /// <summary>
    /// Creates a key with a fresh 256-bit secret; null when the tenant does not exist. Throws
    /// <see cref="ArgumentException"/> for a role and microtenant <see cref="ApiKeyScope"/> refuses,
    /// or a microtenant the tenant does not have: callers check both first.
    /// </summary>
    Task<CreatedApiKey?> CreateApiKey(string name, ApiKeyRole role, string? microtenantId);

    /// <summary>The tenant's keys without secrets, oldest first.</summary>
    Task<IReadOnlyList<ApiKeyInfo>> ListApiKeys();

    /// <summary>
    /// Ends every session of the tenant (or of one client) created before now, by a not-before
    /// time every silo holds before this returns; null when the tenant does not exist.
    /// </summary>
    Task<DateTimeOffset?> LogoutAll(string? clientId);

    /// <summary>
    /// Drops <paramref name="marker"/> when it is the oldest of more than <see cref="LogoutAllRule.MaxKept"/>
    /// markers; the caller (<see cref="ILogoutAllCompactionGrain"/>) has had every session it covers
    /// store its end. False when it was not dropped.
    /// </summary>
    Task<bool> ForgetLogoutAll(LogoutAllMarker marker);

    /// <summary>Creates a microtenant; false when it exists, null when the tenant does not.</summary>
    Task<bool?> CreateMicrotenant(string microtenantId, string name);

    /// <summary>The tenant's microtenants, by id.</summary>
    Task<IReadOnlyList<MicrotenantInfo>> ListMicrotenants();

    /// <summary>Deletes a key; false when there is no such key. Once this returns, every silo refuses it.</summary>
    Task<bool> DeleteApiKey(string keyId);
}
