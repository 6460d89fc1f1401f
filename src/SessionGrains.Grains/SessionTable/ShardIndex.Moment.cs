using SessionGrains.Grains.Sessions;
using SessionGrains.Sessions;
using SessionGrains.Tenants;

namespace SessionGrains.Grains.SessionTable;

internal sealed partial class ShardIndex
{
    /// <summary>
    /// The clock and the tenant of one scan: a row's effective status as of that moment, by the
    /// same rules the session grain applies on access (<see cref="SessionClock"/>,
    /// <see cref="LogoutAllRule"/>), on UTC ticks, with the activity write-behind as idle grace.
    /// </summary>
    private readonly struct Moment(long now, TenantSnapshot tenant)
    {
        private static readonly long IdleGraceTicks = IdleGrace.Ticks;

        private readonly bool _anyLogout = tenant.LogoutAlls.Count > 0;

        public long Now => now;

        /// <summary>The row's status, its end (<see cref="UtcTicks.None"/> while live) and why it ended.</summary>
        public (SessionStatus Status, long EndedAt, EndReason? Reason) Effective(in Hot e)
        {
            if (e.Status != SessionStatus.Active)
            {
                return (e.Status, e.EndedAt, e.EndReason);
            }

            var logout = _anyLogout ? LogoutAllRule.EndOf(tenant.LogoutAlls, e.ClientId, e.CreatedAt, e.TenantVersion) : UtcTicks.None;
            var (at, reason) = SessionClock.DueTicks(now, e.LastActivity, e.IdleTimeoutSeconds, e.ExpiresAt, logout, IdleGraceTicks);
            return at == UtcTicks.None ? (SessionStatus.Active, UtcTicks.None, null) : (DueEnding.StatusOf(reason), at, reason);
        }
    }
}
