using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using SessionGrains.Caching;
using SessionGrains.Grains.Telemetry;
using SessionGrains.Tenants;

namespace SessionGrains.Grains.Caching;

/// <summary>
/// Pushes a tenant snapshot to every silo that could serve the tenant and returns once each has
/// acknowledged it or can no longer serve the old state, so that a change (a deleted key, a new
/// policy, a logout-all) holds on every silo when the call that made it returns.
/// </summary>
/// <remarks>
/// A silo that does not acknowledge (the push was lost, the silo is paused or cut off) is waited
/// out: a lease (<see cref="TenantCacheOptions.LeaseWithMargin"/>) from the push's start, on this
/// silo's monotonic clock. Its entry was fetched before the change began, and its lease started
/// then on its own monotonic clock, so by that time it has run out and the silo fetches again
/// before it answers. A silo already declared dead is not pushed to, but it may be alive on the
/// other side of a partition, still serving what it fetched before the cluster stopped answering
/// it; it is waited out for a lease after this silo first saw it dead. The wait is therefore
/// bounded by about one lease whatever the network does.
/// </remarks>
public sealed partial class TenantBroadcast(
    IGrainFactory grains,
    IClusterMembershipService membership,
    IOptions<TenantCacheOptions> options,
    [FromKeyedServices(Clock.Key)] TimeProvider time,
    SessionGrainsMetrics metrics,
    ILogger<TenantBroadcast> logger)
{
    private readonly TimeSpan _wait = options.Value.LeaseWithMargin;

    /// <summary>When this silo first saw each silo declared dead (a timestamp of the session clock).</summary>
    private readonly ConcurrentDictionary<SiloAddress, long> _seenDead = new();

    /// <summary>A tenant grain's record of the silos it lent its snapshot to, for one lease.</summary>
    public LeaseHolders NewLeaseHolders() => new(time, _wait);

    /// <summary>
    /// Sends the snapshot to every member that is not dead, and to every silo in
    /// <paramref name="holders"/> this silo's membership view does not list yet, and waits as
    /// described above.
    /// </summary>
    public async Task PublishAsync(TenantSnapshot snapshot, IReadOnlyCollection<SiloAddress> holders)
    {
        var start = time.GetTimestamp();
        var waits = new List<Task>();
        var members = membership.CurrentSnapshot.Members;
        foreach (var holder in holders)
        {
            if (!members.ContainsKey(holder))
            {
                // Joined, and fetched from this grain, before this silo heard of it.
                waits.Add(PushAsync(holder, snapshot, start));
            }
        }

        foreach (var member in members.Values)
        {
            if (member.Status == SiloStatus.Dead)
            {
                var seen = _seenDead.GetOrAdd(member.SiloAddress, start);
                waits.Add(WaitUntilAsync(Math.Min(seen, start)));
            }
            else if (member.Status != SiloStatus.None)
            {
                // Joining and stopping silos answer requests too, so they get the push.
                waits.Add(PushAsync(member.SiloAddress, snapshot, start));
            }
        }

        await Task.WhenAll(waits);
        metrics.Broadcast(time.GetElapsedTime(start));
    }

    private async Task PushAsync(SiloAddress silo, TenantSnapshot snapshot, long start)
    {
        try
        {
            await grains.GetGrain<ITenantCacheSyncGrain>(silo.ToParsableString())
                .Apply(snapshot)
                .WaitAsync(Remaining(start), time);
            metrics.PushAcknowledged(time.GetElapsedTime(start));
            return;
        }
        catch (Exception ex)
        {
            // Whatever went wrong, the lease covers it: the silo cannot hold the old state past it.
            LogPushUnacknowledged(ex, snapshot.TenantId, snapshot.Version, silo);
        }

        metrics.PushUnacknowledged();

        await WaitUntilAsync(start);
    }

    /// <summary>Waits until a lease with its margin has passed since <paramref name="start"/>.</summary>
    private Task WaitUntilAsync(long start) =>
        Remaining(start) is { Ticks: > 0 } remaining ? Task.Delay(remaining, time) : Task.CompletedTask;

    private TimeSpan Remaining(long start)
    {
        var remaining = _wait - time.GetElapsedTime(start);
        return remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
    }

    [LoggerMessage(LogLevel.Warning, "Tenant {TenantId} snapshot {Version} was not acknowledged by silo {Silo}; the change waits until that silo's lease has run out.")]
    private partial void LogPushUnacknowledged(Exception ex, string tenantId, long version, SiloAddress silo);
}
