namespace SessionGrains.Sessions;

/// <summary>The secrets handed to a client at sign-in and at each refresh. Never stored.</summary>
[GenerateSerializer, Immutable]
public sealed record SessionTokens(
    [property: Id(0)] string SessionId,
    [property: Id(1)] string Token,
    [property: Id(2)] string RefreshToken,
    [property: Id(3)] DateTimeOffset? ExpiresAt,
    [property: Id(4)] DateTimeOffset? IdleExpiresAt);

/// <summary>Why a sign-in was refused.</summary>
public enum SignInError
{
    /// <summary>The user is on the denylist.</summary>
    UserDenylisted,

    /// <summary>The user has the most sessions the policy allows and the policy says deny.</summary>
    SessionLimitReached,
}

/// <summary>A sign-in's outcome: tokens, or why there are none.</summary>
[GenerateSerializer, Immutable]
public sealed record SignInResult(
    [property: Id(0)] SessionTokens? Tokens,
    [property: Id(1)] SignInError? Error);

/// <summary>Why a token is not active, in the words of the validate response.</summary>
public enum InactiveReason
{
    /// <summary>No session has this token (wrong, forged or rotated away).</summary>
    Unknown,

    /// <summary>The session was ended.</summary>
    Terminated,

    /// <summary>The session ran out of time.</summary>
    Expired,

    /// <summary>An administrator renewed the session (new claims): its current access token must be refreshed.</summary>
    RenewalRequired,
}

/// <summary>What a renew did to one session.</summary>
public enum RenewOutcome
{
    /// <summary>Its current access token now needs a refresh, which carries the new claims.</summary>
    Renewed,

    /// <summary>No such session.</summary>
    NotFound,

    /// <summary>The session has ended.</summary>
    NotActive,

    /// <summary>The session is outside the caller's microtenant.</summary>
    Forbidden,
}

/// <summary>
/// The answer to a validate or an introspection, in the manner of RFC 7662. <see cref="IssuedAt"/>
/// is when the presented token was issued (the sign-in, or the refresh that issued it).
/// </summary>
[GenerateSerializer, Immutable]
public sealed record ValidationResult(
    [property: Id(0)] bool Active,
    [property: Id(1)] InactiveReason? Reason,
    [property: Id(2)] string? SessionId,
    [property: Id(3)] string? UserId,
    [property: Id(4)] string? UserEmail,
    [property: Id(5)] string? MicrotenantId,
    [property: Id(6)] string? ClientId,
    [property: Id(7)] string? ClaimsJson,
    [property: Id(8)] DateTimeOffset? ExpiresAt,
    [property: Id(9)] DateTimeOffset? IdleExpiresAt,
    [property: Id(10)] DateTimeOffset? IssuedAt = null)
{
    /// <summary>An inactive answer.</summary>
    public static ValidationResult Inactive(InactiveReason reason) =>
        new(false, reason, null, null, null, null, null, null, null, null);
}

/// <summary>Why a refresh was refused.</summary>
public enum RefreshError
{
    /// <summary>Unknown, forged, or belonging to an ended session.</summary>
    InvalidRefreshToken,

    /// <summary>Already used, outside the grace period: the session has been ended as stolen.</summary>
    RefreshTokenReused,
}

/// <summary>A refresh's outcome: new tokens, or why there are none.</summary>
[GenerateSerializer, Immutable]
public sealed record RefreshResult(
    [property: Id(0)] SessionTokens? Tokens,
    [property: Id(1)] RefreshError? Error);

/// <summary>What an attempt to end one session found.</summary>
public enum EndOutcome
{
    /// <summary>The session was active and is now ended.</summary>
    Terminated,

    /// <summary>There is no such session.</summary>
    NotFound,

    /// <summary>The session had already ended.</summary>
    NotActive,

    /// <summary>The session belongs to another microtenant than the caller's.</summary>
    Forbidden,
}
