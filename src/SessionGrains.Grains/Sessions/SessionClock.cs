using SessionGrains.Sessions;
using SessionGrains.SessionTable;

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
/// The session rules of time, in one place: whether a live session has ended without anyone
/// touching it (its absolute lifetime, its idle timeout, or a tenant or client logout-all, see
/// <see cref="SessionGrains.Tenants.LogoutAllRule"/>), and how long a session has lasted. The session grain asks
/// with its exact last activity; the session table's shards ask with the stored one, which is
/// written behind, so they allow <see cref="ActivityWriteBehind.MaxLag"/> as idle grace.
/// </summary>
public static class SessionClock
{
    /// <summary>
    /// The ending that is due at <paramref name="now"/>, the earliest if several are; null while
    /// the session is live. <paramref name="loggedOutAt"/> is in UTC ticks (<see cref="UtcTicks.None"/>: none);
    /// <paramref name="idleGrace"/> is allowed past the idle deadline when the last activity may be older than the real one.
    /// </summary>
    public static DueEnding? Due(
        DateTimeOffset now, DateTimeOffset lastActivity, int idleTimeoutSeconds, DateTimeOffset? expiresAt, long loggedOutAt,
        TimeSpan idleGrace = default)
    {
        var (at, reason) = DueTicks(
            now.UtcTicks, lastActivity.UtcTicks, idleTimeoutSeconds, UtcTicks.Of(expiresAt), loggedOutAt, idleGrace.Ticks);
        return at == UtcTicks.None ? null : new DueEnding(UtcTicks.ToTime(at), reason);
    }

    /// <summary>
    /// <see cref="Due"/> on UTC ticks (<see cref="UtcTicks.None"/> for absent times and for "live"),
    /// for scans over many sessions, with <paramref name="idleGrace"/> ticks allowed past the idle deadline.
    /// </summary>
    /// <remarks>
    /// A logout-all that covers the session has ended it whatever this silo's clock says: its time
    /// comes from another silo's clock, and a silo whose clock is behind must not keep the session
    /// alive until it catches up. The session is judged as of that time at the earliest, so the
    /// end (the first deadline up to it, else the logout-all) is the same on every silo and later.
    /// </remarks>
    public static (long At, EndReason Reason) DueTicks(
        long now, long lastActivity, int idleTimeoutSeconds, long expiresAt, long loggedOutAt, long idleGrace)
    {
        if (loggedOutAt != UtcTicks.None && now < loggedOutAt)
        {
            now = loggedOutAt;
        }

        var at = UtcTicks.None;
        var reason = EndReason.MaxLifetime;
        if (expiresAt != UtcTicks.None && now >= expiresAt)
        {
            at = expiresAt;
        }

        if (idleTimeoutSeconds > 0)
        {
            var idle = lastActivity + (idleTimeoutSeconds * TimeSpan.TicksPerSecond);
            if (now >= idle + idleGrace && (at == UtcTicks.None || idle < at))
            {
                at = idle;
                reason = EndReason.IdleTimeout;
            }
        }

        if (loggedOutAt != UtcTicks.None && (at == UtcTicks.None || loggedOutAt < at))
        {
            at = loggedOutAt;
            reason = EndReason.TenantLogoutAll;
        }

        return (at, reason);
    }

    /// <summary>
    /// When a live session ends if nothing else happens: the idle deadline from its last activity,
    /// or its absolute expiry when that comes first (null: neither applies).
    /// </summary>
    public static DateTimeOffset? IdleExpiresAt(DateTimeOffset lastActivity, int idleTimeoutSeconds, DateTimeOffset? expiresAt)
    {
        if (idleTimeoutSeconds <= 0)
        {
            return expiresAt;
        }

        var idle = lastActivity.AddSeconds(idleTimeoutSeconds);
        return expiresAt is { } absolute && absolute < idle ? absolute : idle;
    }

    /// <summary>
    /// How long a session has lasted, in UTC ticks: from its creation to its end, or to
    /// <paramref name="asOf"/> while it is live (<paramref name="endedAt"/> is <see cref="UtcTicks.None"/>);
    /// never negative, even when the clocks of the silos involved disagree.
    /// </summary>
    public static long DurationTicks(long createdAt, long endedAt, long asOf) =>
        Math.Max(0, (endedAt == UtcTicks.None ? asOf : endedAt) - createdAt);

    /// <summary><see cref="DurationTicks"/> of a listed session, in whole seconds.</summary>
    public static long DurationSeconds(SessionRow row, DateTimeOffset asOf) =>
        DurationTicks(row.CreatedAt.UtcTicks, UtcTicks.Of(row.EndedAt), asOf.UtcTicks) / TimeSpan.TicksPerSecond;
}
