namespace SessionGrains.Sessions;

/// <summary>
/// What a user grain hands a session grain to open it: the sign-in, its time, the session table shard
/// of its user, and the policy values in force at sign-in, which stay with the session for life.
/// <see cref="TenantVersion"/> is the tenant snapshot version the sign-in ran under: logout-alls
/// written at a later version end the session, whatever the silos' clocks say.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SessionOpening(
    [property: Id(0)] SignIn SignIn,
    [property: Id(1)] int IdleTimeoutSeconds,
    [property: Id(2)] int AbsoluteLifetimeSeconds,
    [property: Id(3)] int RefreshReuseGraceSeconds,
    [property: Id(4)] DateTimeOffset CreatedAt,
    [property: Id(5)] int Shard,
    [property: Id(6)] long TenantVersion = 0);
