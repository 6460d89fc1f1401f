using SessionGrains.Tenants;

namespace SessionGrains.Grains.Tenants;

/// <summary>A stored API key: its hash, never its secret.</summary>
[GenerateSerializer]
public sealed record ApiKeyRecord(
    [property: Id(0)] ApiKeyInfo Info,
    [property: Id(1)] byte[] SecretHash);

/// <summary>The durable state of a tenant grain (state name "tenant").</summary>
[GenerateSerializer]
public sealed class TenantState
{
    [Id(0)] public bool Created { get; set; }
    [Id(1)] public string Name { get; set; } = "";
    [Id(2)] public DateTimeOffset CreatedAt { get; set; }
    [Id(3)] public TenantPolicy Policy { get; set; } = TenantPolicy.Default;
    [Id(4)] public Dictionary<string, ApiKeyRecord> Keys { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Grows with every change; silos keep the highest version they have seen.</summary>
    [Id(5)] public long Version { get; set; }

    /// <summary>How many shards the session table has; fixed at creation.</summary>
    [Id(6)] public int SessionTableShards { get; set; } = 1;

    /// <summary>
    /// Every logout-all (tenant-wide or of one client), oldest first: a session ends at the first
    /// one written after the tenant version it was signed in under. The most recent
    /// <see cref="LogoutAllRule.MaxKept"/>, plus older ones until the sessions they cover have stored
    /// their ends (<see cref="ILogoutAllCompactionGrain"/>); never more than <see cref="LogoutAllRule.MaxHeld"/>.
    /// </summary>
    [Id(10)] public List<LogoutAllMarker> LogoutAlls { get; set; } = [];

    [Id(9)] public Dictionary<string, MicrotenantInfo> Microtenants { get; set; } = new(StringComparer.Ordinal);
}
