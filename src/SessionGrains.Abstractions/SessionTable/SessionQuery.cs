using SessionGrains.Sessions;

namespace SessionGrains.SessionTable;

/// <summary>Which sessions a listing includes by status.</summary>
public enum StatusFilter
{
    /// <summary>Every session still retained.</summary>
    All,

    /// <summary>Live sessions only.</summary>
    Active,

    /// <summary>Terminated or expired sessions.</summary>
    Inactive,
}

/// <summary>The sort keys of the session table. Ties always go to the smaller session id.</summary>
public enum SessionSortKey
{
    /// <summary>When the session was created.</summary>
    CreatedAt,

    /// <summary>When the session was last seen active.</summary>
    LastActivity,

    /// <summary>The user's email, case-insensitively; sessions without one first.</summary>
    UserEmail,

    /// <summary>The client's IP address, numerically (IPv4 before IPv6).</summary>
    IpAddress,

    /// <summary>The absolute expiry; sessions without one last.</summary>
    ExpiresAt,

    /// <summary>From creation to end (or to now while active).</summary>
    Duration,
}

/// <summary>
/// A query of the session table: filters, search, sort and the window of the merged result a
/// caller wants. Each shard answers with its own first <see cref="Skip"/> + <see cref="Take"/>
/// matches in order, which is all a merge needs. <see cref="AsOf"/> is the moment statuses and
/// durations are computed for (now when null), the same for every shard of one query. With
/// <see cref="After"/> (a keyset cursor's position) only the matches strictly after that place
/// in the order are candidates, so a deep page costs what the first does; Skip is then 0.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SessionQuery(
    [property: Id(0)] string? Search,
    [property: Id(1)] StatusFilter Status,
    [property: Id(2)] string? UserId,
    [property: Id(3)] string? ClientId,
    [property: Id(4)] SessionKind? Kind,
    [property: Id(5)] string? MicrotenantId,
    [property: Id(6)] string? IpAddress,
    [property: Id(7)] DateTimeOffset? CreatedAfter,
    [property: Id(8)] DateTimeOffset? CreatedBefore,
    [property: Id(9)] SessionSortKey Sort,
    [property: Id(10)] bool Descending,
    [property: Id(11)] int Skip,
    [property: Id(12)] int Take,
    [property: Id(13)] DateTimeOffset? AsOf = null,
    [property: Id(14)] SessionPosition? After = null)
{
    /// <summary>Everything, newest first.</summary>
    public static SessionQuery Default { get; } = new(
        null, StatusFilter.All, null, null, null, null, null, null, null, SessionSortKey.CreatedAt, true, 0, 10);
}

/// <summary>
/// One shard's answer: its exact count of matches, how many of them come after the query's
/// position (all of them without one), and its first matches from there, in order.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ShardPage(
    [property: Id(0)] long Total,
    [property: Id(1)] IReadOnlyList<SessionRow> Items,
    [property: Id(2)] long Remaining);

/// <summary>Sessions of one client, in the stats.</summary>
[GenerateSerializer, Immutable]
public sealed record ClientCount(
    [property: Id(0)] string ClientId,
    [property: Id(1)] long Active,
    [property: Id(2)] long Total);

/// <summary>
/// Aggregates over a tenant's sessions (or one shard's part of them): <see cref="UniqueUsers"/>
/// are the distinct users of the <see cref="Total"/> sessions, <see cref="ActiveUsers"/> those
/// with at least one active session. Users live in exactly one shard, so both distinct counts
/// add up exactly across shards.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SessionStats(
    [property: Id(0)] long Total,
    [property: Id(1)] long Active,
    [property: Id(2)] long UniqueUsers,
    [property: Id(5)] long ActiveUsers,
    [property: Id(3)] double TotalDurationSeconds,
    [property: Id(4)] IReadOnlyList<ClientCount> ByClient)
{
    /// <summary>The mean session duration, or 0 with no sessions.</summary>
    public double AverageDurationSeconds => Total == 0 ? 0 : TotalDurationSeconds / Total;
}
