namespace SessionGrains;

/// <summary>
/// Builds the string keys of tenant-scoped grains. Identifiers never contain '/', so
/// "tenant/id" is unambiguous and a grain's tenant can always be read back from its key.
/// </summary>
public static class GrainKeys
{
    /// <summary>The key of the grain that holds one session.</summary>
    public static string Session(string tenantId, string sessionId) => $"{tenantId}/{sessionId}";

    /// <summary>The key of the grain that holds one user's sessions and denylist flag.</summary>
    public static string User(string tenantId, string userId) => $"{tenantId}/{userId}";

    /// <summary>The key of one shard of a tenant's session table.</summary>
    public static string Shard(string tenantId, int shard) => $"{tenantId}/{shard}";

    /// <summary>
    /// The key of the grain that holds one API key's saved filters: its tenant and key id. The
    /// operator belongs to no tenant and is keyed under the empty one, which no tenant id can be.
    /// </summary>
    public static string SavedFilters(string? tenantId, string keyId) => $"{tenantId}/{keyId}";

    /// <summary>
    /// The shard a user's sessions live in: a stable hash of the user id (FNV-1a over UTF-16
    /// code units), so every silo and every release agrees.
    /// </summary>
    public static int ShardOf(string userId, int shardCount)
    {
        var hash = 2166136261u;
        foreach (var c in userId)
        {
            hash = (hash ^ c) * 16777619u;
        }

        return (int)(hash % (uint)shardCount);
    }

    /// <summary>Splits a "tenant/id" key into its two parts.</summary>
    public static (string TenantId, string Id) Split(string key)
    {
        var slash = key.IndexOf('/');
        return slash < 0 ? (key, "") : (key[..slash], key[(slash + 1)..]);
    }
}
