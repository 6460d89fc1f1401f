using System.Collections;
using System.Runtime.InteropServices;
using SessionGrains.Grains.Sessions;
using SessionGrains.SessionTable;
using SessionGrains.Sessions;
using SessionGrains.Tenants;

namespace SessionGrains.Grains.SessionTable;

internal sealed partial class ShardIndex
{
    /// <summary>Aggregates over the shard's sessions, optionally of one microtenant, as of <paramref name="asOf"/>.</summary>
    public SessionStats Stats(string? microtenantId, DateTimeOffset asOf, TenantSnapshot tenant)
    {
        long total = 0, active = 0, durationTicks = 0, uniqueUsers = 0, activeUsers = 0;
        var seenUsers = new BitArray(_userNumbers.Count);
        var seenActiveUsers = new BitArray(_userNumbers.Count);
        var byClient = new Dictionary<string, (long Active, long Total)>(ReferenceEqualityComparer.Instance);
        var moment = new Moment(asOf.UtcTicks, tenant);
        foreach (ref readonly var e in CollectionsMarshal.AsSpan(_hot))
        {
            if (microtenantId is not null && !string.Equals(e.MicrotenantId, microtenantId, StringComparison.Ordinal))
            {
                continue;
            }

            var (status, endedAt, _) = moment.Effective(in e);
            var isActive = status == SessionStatus.Active;
            total++;
            if (!seenUsers[e.UserNumber])
            {
                seenUsers[e.UserNumber] = true;
                uniqueUsers++;
            }

            durationTicks += SessionClock.DurationTicks(e.CreatedAt, endedAt, moment.Now);

            // Client ids are interned, so one reference per distinct client.
            ref var client = ref CollectionsMarshal.GetValueRefOrAddDefault(byClient, e.ClientId, out _);
            client.Total++;
            if (isActive)
            {
                active++;
                client.Active++;
                if (!seenActiveUsers[e.UserNumber])
                {
                    seenActiveUsers[e.UserNumber] = true;
                    activeUsers++;
                }
            }
        }

        return new SessionStats(
            total, active, uniqueUsers, activeUsers, (double)durationTicks / TimeSpan.TicksPerSecond,
            byClient.Select(c => new ClientCount(c.Key, c.Value.Active, c.Value.Total)).ToList());
    }
}
