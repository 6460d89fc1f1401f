using SessionGrains.SessionTable;

namespace SessionGrains.Sessions;

/// <summary>
/// Everything known about one session, as the administration API shows it: its row of the
/// session table, plus what the table does not list.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SessionDetails(
    [property: Id(0)] SessionRow Row,
    [property: Id(1)] DeviceInfo? Device,
    [property: Id(2)] string? ClaimsJson,
    [property: Id(3)] DateTimeOffset? LastRefreshAt,
    [property: Id(4)] int RefreshCount,
    [property: Id(5)] DateTimeOffset? IdleExpiresAt,
    [property: Id(6)] bool RenewalRequired = false);
