namespace SessionGrains.Sessions;

/// <summary>What kind of principal signed in.</summary>
public enum SessionKind
{
    /// <summary>An end user.</summary>
    User,

    /// <summary>An administrator.</summary>
    Admin,

    /// <summary>A program using an API key.</summary>
    ApiKey,
}

/// <summary>Where a session stands.</summary>
public enum SessionStatus
{
    /// <summary>Tokens validate.</summary>
    Active,

    /// <summary>Ended by someone (logout, administrator, denylist, reuse, eviction).</summary>
    Terminated,

    /// <summary>Ended by the clock (idle timeout or absolute lifetime).</summary>
    Expired,
}

/// <summary>Why a session ended.</summary>
public enum EndReason
{
    /// <summary>The user logged out.</summary>
    UserLogout,

    /// <summary>An administrator ended it.</summary>
    AdminTerminated,

    /// <summary>All the user's sessions were logged out.</summary>
    UserLogoutAll,

    /// <summary>The user was put on the denylist.</summary>
    Denylisted,

    /// <summary>The tenant (or one client of it) was logged out.</summary>
    TenantLogoutAll,

    /// <summary>No activity for longer than the idle timeout.</summary>
    IdleTimeout,

    /// <summary>The absolute lifetime ran out.</summary>
    MaxLifetime,

    /// <summary>A refresh token was presented twice.</summary>
    TokenReuse,

    /// <summary>Ended to make room under the per-user session limit.</summary>
    Evicted,
}
