namespace SessionGrains.Sessions;

/// <summary>Everything known about one session, as the administration API shows it.</summary>
[GenerateSerializer, Immutable]
public sealed record SessionDetails(
    [property: Id(0)] string TenantId,
    [property: Id(1)] string SessionId,
    [property: Id(2)] SignIn SignIn,
    [property: Id(3)] SessionStatus Status,
    [property: Id(4)] DateTimeOffset CreatedAt,
    [property: Id(5)] DateTimeOffset LastActivity,
    [property: Id(6)] DateTimeOffset? ExpiresAt,
    [property: Id(7)] DateTimeOffset? IdleExpiresAt,
    [property: Id(8)] DateTimeOffset? EndedAt,
    [property: Id(9)] EndReason? EndReason,
    [property: Id(10)] DateTimeOffset? LastRefreshAt,
    [property: Id(11)] int RefreshCount);
