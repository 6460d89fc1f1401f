using SessionGrains.SessionTable;
using SessionGrains.Sessions;

namespace SessionGrains.Grains.Sessions;

/// <summary>
/// An unsigned refresh token rotated away (the sign-in's, or one from before refresh tokens were
/// signed), kept to recognise its reuse.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record RotatedRefreshToken(
    [property: Id(0)] byte[] Hash,
    [property: Id(1)] DateTimeOffset RotatedAt);

/// <summary>
/// A refresh token rotated away less than the grace ago, with the session's signing key sealed under
/// its secret: within the grace it may rotate the session again, which needs that key.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record GraceRefreshToken(
    [property: Id(0)] long Generation,
    [property: Id(1)] byte[] Hash,
    [property: Id(2)] DateTimeOffset RotatedAt,
    [property: Id(3)] byte[] SealedKey);

/// <summary>The durable state of a session grain (state name "session").</summary>
[GenerateSerializer]
public sealed class SessionState
{
    [Id(0)] public bool Opened { get; set; }
    [Id(1)] public SignIn SignIn { get; set; } = null!;
    [Id(2)] public DateTimeOffset CreatedAt { get; set; }

    /// <summary>Written behind: up to <see cref="ActivityWriteBehind.MaxLag"/> older than the last validate.</summary>
    [Id(3)] public DateTimeOffset LastActivity { get; set; }

    [Id(4)] public DateTimeOffset? ExpiresAt { get; set; }
    [Id(5)] public int IdleTimeoutSeconds { get; set; }
    [Id(6)] public int RefreshReuseGraceSeconds { get; set; }
    [Id(7)] public byte[] TokenHash { get; set; } = [];
    [Id(8)] public byte[] RefreshTokenHash { get; set; } = [];

    /// <summary>
    /// Unsigned refresh tokens rotated away, newest last: the sign-in's, or up to 32 from before
    /// refresh tokens were signed. Not added to once the session has a signing key (<see cref="RefreshPublicKey"/>).
    /// </summary>
    [Id(9)] public List<RotatedRefreshToken> RotatedRefreshTokens { get; set; } = [];

    [Id(10)] public SessionStatus Status { get; set; }
    [Id(11)] public DateTimeOffset? EndedAt { get; set; }
    [Id(12)] public EndReason? EndReason { get; set; }
    [Id(13)] public DateTimeOffset? LastRefreshAt { get; set; }
    [Id(14)] public int RefreshCount { get; set; }

    /// <summary>The session table shard of the session's user, fixed at sign-in.</summary>
    [Id(15)] public int Shard { get; set; }

    // The refresh-token fields take ids from 40 on, apart from other additions to this state.

    /// <summary>The generation of the current signed refresh token: rotations since the session got its signing key.</summary>
    [Id(40)] public long RefreshGeneration { get; set; }

    /// <summary>
    /// The public half of the session's refresh-token signing key: any refresh token it ever issued
    /// is recognised by its signature. Empty until the first refresh (the sign-in's token is unsigned).
    /// </summary>
    [Id(41)] public byte[] RefreshPublicKey { get; set; } = [];

    /// <summary>The private half, sealed under the current refresh token's secret; never stored in clear. Empty while unsigned.</summary>
    [Id(42)] public byte[] RefreshSealedKey { get; set; } = [];

    /// <summary>Refresh tokens rotated away less than the grace ago, newest last; bounded.</summary>
    [Id(43)] public List<GraceRefreshToken> GraceRefreshTokens { get; set; } = [];

    /// <summary>
    /// The tenant version the session was signed in under: logout-alls written at a later one end
    /// it (<see cref="SessionGrains.Tenants.LogoutAllRule"/>). 0 for sessions stored before it was kept.
    /// </summary>
    [Id(16)] public long TenantVersion { get; set; }

    /// <summary>
    /// Renewed by an administrator since the last refresh: the current access token validates as
    /// renewal required, and the next refresh clears it (and carries the claims the renew set).
    /// </summary>
    [Id(17)] public bool RenewalRequired { get; set; }

    /// <summary>
    /// The version of the stored row this state was read or last written as. Set by the session
    /// table's grain storage; not part of the stored state (it is the row's own column).
    /// </summary>
    [field: NonSerialized]
    public long RowVersion { get; set; }

    /// <summary>
    /// The audit record to store in the next write, with it, in one transaction; set by the grain
    /// just before that write and cleared after it. Not part of the stored state.
    /// </summary>
    [field: NonSerialized]
    public Audit.AuditRecord? PendingAudit { get; set; }

    /// <summary>
    /// The back-channel logout notice to put in the outbox with the next write (the write that
    /// stores the end), in one transaction; set and cleared like <see cref="PendingAudit"/>.
    /// </summary>
    [field: NonSerialized]
    public BackchannelLogout.LogoutNotice? PendingLogout { get; set; }

    /// <summary>
    /// The row of the session table this state is listed as, at <paramref name="version"/>. Times
    /// are cut to the millisecond, the precision the table stores, so a row a shard is told of
    /// equals the one it reloads after a restart.
    /// </summary>
    public SessionRow ToRow(string sessionId, long version) => new(
        sessionId, SignIn.UserId, SignIn.UserEmail, SignIn.SessionName, SignIn.Kind, SignIn.ApiKeyName, SignIn.ClientId,
        SignIn.ClientType, SignIn.IdentityProvider, SignIn.IpAddress, SignIn.UserAgent, SignIn.MicrotenantId, Status,
        Stored(CreatedAt), Stored(LastActivity), Stored(ExpiresAt), IdleTimeoutSeconds, Stored(EndedAt), EndReason, version,
        TenantVersion);

    private static DateTimeOffset Stored(DateTimeOffset time) => DateTimeOffset.FromUnixTimeMilliseconds(time.ToUnixTimeMilliseconds());

    private static DateTimeOffset? Stored(DateTimeOffset? time) => time is { } t ? Stored(t) : null;
}
