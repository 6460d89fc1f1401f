using SessionGrains.Sessions;

namespace SessionGrains.Grains.Sessions;

/// <summary>How and when a session ended by the clock or by a tenant-wide logout.</summary>
public readonly record struct DueEnding(DateTimeOffset At, EndReason Reason)
{
    /// <summary>Expiry shows as expired; a tenant-wide logout as terminated.</summary>
    public SessionStatus Status => Reason == EndReason.TenantLogoutAll ? SessionStatus.Terminated : SessionStatus.Expired;
}

/// <summary>
/// The one place that decides whether a live session has ended without anyone touching it: its
/// absolute lifetime, its idle timeout, or a tenant (or client) logout-all. The session grain asks
/// with its exact last activity; index shards ask with the stored one, which is written behind, so
/// they allow <c>idleGrace</c> before calling a session idle.
/// </summary>
public static class SessionClock
{
    /// <summary>
    /// The ending that is due at <paramref name="now"/>, the earliest if several are; null while
    /// the session is live.
    /// </summary>
    public static DueEnding? Due(
        DateTimeOffset now, DateTimeOffset lastActivity, int idleTimeoutSeconds, DateTimeOffset? expiresAt,
        DateTimeOffset? loggedOutAt, TimeSpan idleGrace)
    {
        DueEnding? due = null;
        if (expiresAt is { } absolute && now >= absolute)
        {
            due = new DueEnding(absolute, EndReason.MaxLifetime);
        }

        if (idleTimeoutSeconds > 0)
        {
            var idle = lastActivity.AddSeconds(idleTimeoutSeconds);
            if (now >= idle + idleGrace && (due is null || idle < due.Value.At))
            {
                due = new DueEnding(idle, EndReason.IdleTimeout);
            }
        }

        if (loggedOutAt is { } logout && now >= logout && (due is null || logout < due.Value.At))
        {
            due = new DueEnding(logout, EndReason.TenantLogoutAll);
        }

        return due;
    }
}
