namespace SessionGrains.Tenants;

/// <summary>A tenant as administrators see it.</summary>
[GenerateSerializer, Immutable]
public sealed record TenantInfo(
    [property: Id(0)] string TenantId,
    [property: Id(1)] string Name,
    [property: Id(2)] DateTimeOffset CreatedAt,
    [property: Id(3)] TenantPolicy Policy,
    [property: Id(4)] int SessionTableShards);

/// <summary>A microtenant: a part of a tenant with administrators of its own.</summary>
[GenerateSerializer, Immutable]
public sealed record MicrotenantInfo(
    [property: Id(0)] string MicrotenantId,
    [property: Id(1)] string Name,
    [property: Id(2)] DateTimeOffset CreatedAt);

/// <summary>
/// A logout-all: sessions (of one client, or all of the tenant) created before it end at it.
/// "Before" is by <see cref="Version"/>, the tenant version the marker was written at, against
/// the one a session was signed in under, so no wall clock decides it (<see cref="LogoutAllRule"/>);
/// <see cref="NotBefore"/> is the time a covered session ends at. Version 0: a marker stored before
/// markers had versions, applied by time.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record LogoutAllMarker(
    [property: Id(0)] string? ClientId,
    [property: Id(1)] DateTimeOffset NotBefore,
    [property: Id(2)] long Version = 0);

/// <summary>An API key without its secret.</summary>
[GenerateSerializer, Immutable]
public sealed record ApiKeyInfo(
    [property: Id(0)] string KeyId,
    [property: Id(1)] string Name,
    [property: Id(2)] ApiKeyRole Role,
    [property: Id(3)] string? MicrotenantId,
    [property: Id(4)] DateTimeOffset CreatedAt);

/// <summary>A newly created API key: the only time its secret leaves the grain.</summary>
[GenerateSerializer, Immutable]
public sealed record CreatedApiKey(
    [property: Id(0)] ApiKeyInfo Info,
    [property: Id(1)] string Key);

/// <summary>What a silo needs to authenticate a key: its hash, never its secret.</summary>
[GenerateSerializer, Immutable]
public sealed record ApiKeyCredential(
    [property: Id(0)] string KeyId,
    [property: Id(1)] byte[] SecretHash,
    [property: Id(2)] ApiKeyRole Role,
    [property: Id(3)] string? MicrotenantId,
    [property: Id(4)] string? Name = null);

/// <summary>
/// The tenant data every request reads, cached on each silo. <see cref="Version"/> only grows,
/// so a silo keeps the newest snapshot it has seen whichever order pushes and fetches arrive in.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record TenantSnapshot(
    [property: Id(0)] string TenantId,
    [property: Id(1)] long Version,
    [property: Id(2)] bool Exists,
    [property: Id(3)] TenantPolicy Policy,
    [property: Id(4)] IReadOnlyDictionary<string, ApiKeyCredential> Keys,
    [property: Id(5)] int SessionTableShards,
    [property: Id(6)] IReadOnlyList<LogoutAllMarker> LogoutAlls,
    [property: Id(8)] IReadOnlySet<string> Microtenants)
{
    /// <summary>The snapshot of a tenant that has never been created.</summary>
    public static TenantSnapshot Missing(string tenantId) => new(
        tenantId, 0, false, TenantPolicy.Default, new Dictionary<string, ApiKeyCredential>(), 1, [], new HashSet<string>());
}
