namespace SessionGrains.Tenants;

/// <summary>
/// One tenant (key: tenantId): its name, policy and API keys. Every change is durable and is
/// pushed to every silo's tenant cache before the call returns, so a deleted key or a new policy
/// holds cluster-wide from then on.
/// </summary>
public interface ITenantGrain : IGrainWithStringKey
{
    /// <summary>Creates the tenant; null when it exists already.</summary>
    Task<TenantInfo?> Create(string name);

    /// <summary>The tenant, or null when it does not exist.</summary>
    Task<TenantInfo?> Get();

    /// <summary>What silos cache: policy and key hashes, with a version that only grows.</summary>
    Task<TenantSnapshot> GetSnapshot();

    /// <summary>Replaces the policy; null when the tenant does not exist.</summary>
    Task<TenantPolicy?> SetPolicy(TenantPolicy policy);

    /// <summary>Creates a key with a fresh 256-bit secret; null when the tenant does not exist.</summary>
    Task<CreatedApiKey?> CreateApiKey(string name, ApiKeyRole role, string? microtenantId);

    /// <summary>The tenant's keys without secrets, oldest first.</summary>
    Task<IReadOnlyList<ApiKeyInfo>> ListApiKeys();

    /// <summary>Deletes a key; false when there is no such key. Once this returns, every silo refuses it.</summary>
    Task<bool> DeleteApiKey(string keyId);
}
