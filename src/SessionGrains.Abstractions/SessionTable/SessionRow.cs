using SessionGrains.Sessions;

namespace SessionGrains.SessionTable;

/// <summary>
/// One row of a tenant's session table: what an administrator sees in the list. The session
/// table's shards hold these in memory; <see cref="Version"/> is the stored row's version, so a shard
/// keeps the newest of two updates whichever order they arrive in. <see cref="TenantVersion"/> is the
/// tenant version the session was signed in under (0: signed in before sessions recorded it), which
/// decides the logout-alls that cover it (<see cref="SessionGrains.Tenants.LogoutAllRule"/>).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SessionRow(
    [property: Id(0)] string SessionId,
    [property: Id(1)] string UserId,
    [property: Id(2)] string? UserEmail,
    [property: Id(3)] string? SessionName,
    [property: Id(4)] SessionKind Kind,
    [property: Id(5)] string? ApiKeyName,
    [property: Id(6)] string ClientId,
    [property: Id(7)] string? ClientType,
    [property: Id(8)] string? IdentityProvider,
    [property: Id(9)] string IpAddress,
    [property: Id(10)] string? UserAgent,
    [property: Id(11)] string? MicrotenantId,
    [property: Id(12)] SessionStatus Status,
    [property: Id(13)] DateTimeOffset CreatedAt,
    [property: Id(14)] DateTimeOffset LastActivity,
    [property: Id(15)] DateTimeOffset? ExpiresAt,
    [property: Id(16)] int IdleTimeoutSeconds,
    [property: Id(17)] DateTimeOffset? EndedAt,
    [property: Id(18)] EndReason? EndReason,
    [property: Id(19)] long Version,
    [property: Id(20)] long TenantVersion = 0);
