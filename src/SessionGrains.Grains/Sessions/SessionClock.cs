using SessionGrains.Sessions;

namespace SessionGrains.Grains.Sessions;

/// <summary>How and when a session ended by the clock or by a tenant-wide logout.</summary>
public readonly record struct DueEnding(DateTimeOffset At, EndReason Reason)
{
    /// <summary>Expiry shows as expired; a tenant-wide logout as terminated.</summary>
    public SessionStatus Status => StatusOf(Reason);

    /// <summary>The status an ending for <paramref name="reason"/> leaves a session in.</summary>
    public static SessionStatus StatusOf(EndReason reason) =>
        reason == EndReason.TenantLogoutAll ? SessionStatus.Terminated : SessionStatus.Expired;
}

/// <summary>
/// The one place that decides whether a live session has ended without anyone touching it: its
/// absolute lifetime, its idle timeout, or a tenant (or client) logout-all. The session grain asks
/// with its exact last activity; index shards ask with the stored one, which is written behind, so
/// they allow <c>idleGrace</c> before calling a session idle.
/// </summary>
public static class SessionClock
{
    /// <summary>What <see cref="DueTicks"/> takes and answers for "none".</summary>
    public const long None = long.MinValue;

    /// <summary>
    /// The ending that is due at <paramref name="now"/>, the earliest if several are; null while
    /// the session is live.
    /// </summary>
    public static DueEnding? Due(
        DateTimeOffset now, DateTimeOffset lastActivity, int idleTimeoutSeconds, DateTimeOffset? expiresAt,
        DateTimeOffset? loggedOutAt, TimeSpan idleGrace)
    {
        var (at, reason) = DueTicks(
            now.UtcTicks, lastActivity.UtcTicks, idleTimeoutSeconds, expiresAt?.UtcTicks ?? None, loggedOutAt?.UtcTicks ?? None, idleGrace.Ticks);
        return at == None ? null : new DueEnding(new DateTimeOffset(at, TimeSpan.Zero), reason);
    }

    /// <summary>
    /// <see cref="Due"/> on UTC ticks (<see cref="None"/> for absent times and for "live"), for
    /// scans over many sessions: the same comparisons without building a DateTimeOffset each.
    /// </summary>
    public static (long At, EndReason Reason) DueTicks(
        long now, long lastActivity, int idleTimeoutSeconds, long expiresAt, long loggedOutAt, long idleGrace)
    {
        var at = None;
        var reason = EndReason.MaxLifetime;
        if (expiresAt != None && now >= expiresAt)
        {
            at = expiresAt;
        }

        if (idleTimeoutSeconds > 0)
        {
            var idle = lastActivity + (idleTimeoutSeconds * TimeSpan.TicksPerSecond);
            if (now >= idle + idleGrace && (at == None || idle < at))
            {
                at = idle;
                reason = EndReason.IdleTimeout;
            }
        }

        if (loggedOutAt != None && now >= loggedOutAt && (at == None || loggedOutAt < at))
        {
            at = loggedOutAt;
            reason = EndReason.TenantLogoutAll;
        }

        return (at, reason);
    }
}
