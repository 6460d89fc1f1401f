using Microsoft.Extensions.Logging;
using Orleans.Runtime;
using SessionGrains.Caching;
using SessionGrains.Tenants;

namespace SessionGrains.Grains.Caching;

/// <summary>
/// Pushes a tenant snapshot to every active silo and waits for each to acknowledge, so that a
/// change (a deleted key, a new policy) holds on every silo when the call that made it returns.
/// </summary>
public sealed partial class TenantBroadcast(
    IGrainFactory grains, IClusterMembershipService membership, ILogger<TenantBroadcast> logger)
{
    private static readonly TimeSpan AckTimeout = TimeSpan.FromSeconds(5);

    /// <summary>Sends the snapshot to all active silos; a silo that does not answer in time is logged, and its lease expires.</summary>
    public async Task PublishAsync(TenantSnapshot snapshot)
    {
        var silos = membership.CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active)
            .Select(m => m.SiloAddress)
            .ToArray();

        await Task.WhenAll(silos.Select(silo => PushAsync(silo, snapshot)));
    }

    private async Task PushAsync(SiloAddress silo, TenantSnapshot snapshot)
    {
        try
        {
            await grains.GetGrain<ITenantCacheSyncGrain>(silo.ToParsableString())
                .Apply(snapshot)
                .WaitAsync(AckTimeout);
        }
        catch (Exception ex) when (ex is TimeoutException or OrleansException or SiloUnavailableException)
        {
            LogPushFailed(ex, snapshot.TenantId, snapshot.Version, silo);
        }
    }

    [LoggerMessage(LogLevel.Warning, "Tenant {TenantId} snapshot {Version} did not reach silo {Silo}; its cache lease bounds the delay.")]
    private partial void LogPushFailed(Exception ex, string tenantId, long version, SiloAddress silo);
}
