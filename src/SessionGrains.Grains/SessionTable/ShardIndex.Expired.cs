using System.Runtime.InteropServices;
using SessionGrains.Sessions;
using SessionGrains.Tenants;

namespace SessionGrains.Grains.SessionTable;

internal sealed partial class ShardIndex
{
    /// <summary>
    /// Up to <paramref name="max"/> sessions of <paramref name="clients"/> stored as active that the
    /// clock has ended by <paramref name="now"/> (idle or lifetime; not a logout-all, whose notices
    /// are queued by the logout-all itself): expiry is applied on access, and these may never be
    /// accessed again, so their grains are asked to store their end and with it their logout notice.
    /// Only ends since <paramref name="since"/> count: an older one is past announcing.
    /// </summary>
    public List<string> StoredActiveExpired(DateTimeOffset now, DateTimeOffset since, TenantSnapshot tenant, IReadOnlySet<string> clients, int max)
    {
        var expired = new List<string>();
        if (clients.Count == 0)
        {
            return expired;
        }

        var moment = new Moment(now.UtcTicks, tenant);
        var horizon = since.UtcTicks;
        foreach (ref readonly var e in CollectionsMarshal.AsSpan(_hot))
        {
            if (e.Status == SessionStatus.Active && clients.Contains(e.ClientId)
                && moment.Effective(e) is { Status: SessionStatus.Expired } ended && ended.EndedAt >= horizon
                && LogoutAllRule.EndOf(tenant.LogoutAlls, e.ClientId, e.CreatedAt, e.TenantVersion) == UtcTicks.None)
            {
                expired.Add(e.SessionId);
                if (expired.Count == max)
                {
                    break;
                }
            }
        }

        return expired;
    }
}
