using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Orleans.Runtime;
using SessionGrains.Silo.Hosting;
using SessionGrains.Silo.Storage;

namespace SessionGrains.Silo.Health;

/// <summary>Ready when this silo is an active member of its cluster and is not stopping.</summary>
internal sealed class ClusterMembershipCheck(IClusterMembershipService membership, ILocalSiloDetails silo, Draining draining) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (draining.Started)
        {
            return Task.FromResult(HealthCheckResult.Unhealthy("The silo is stopping."));
        }

        var status = membership.CurrentSnapshot.GetSiloStatus(silo.SiloAddress);
        return Task.FromResult(status == SiloStatus.Active
            ? HealthCheckResult.Healthy("The silo is active in the cluster.")
            : HealthCheckResult.Unhealthy($"The silo is {status}."));
    }
}

/// <summary>Ready when the database answers a query.</summary>
internal sealed class StorageCheck(StorageProvider provider, IOptions<SessionGrainsOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            await provider.PingAsync(options.Value.Storage.ConnectionString, cancellationToken);
            return HealthCheckResult.Healthy("Storage answers.");
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            return HealthCheckResult.Unhealthy("Storage does not answer.", ex);
        }
    }
}
