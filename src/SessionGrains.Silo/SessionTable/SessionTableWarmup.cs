using Microsoft.Extensions.Options;
using SessionGrains.Grains.SessionTable;
using SessionGrains.SessionTable;
using SessionGrains.Tenants;

namespace SessionGrains.Silo.SessionTable;

/// <summary>
/// Loads every tenant's session table shards in the background once the silo has started, so
/// the first administrator to open a large tenant after a restart does not wait for (or time out
/// on) shards reading their rows. Idempotent across silos: a shard that is active stays put.
/// </summary>
internal sealed partial class SessionTableWarmup(IGrainFactory grains, IOptions<SessionTableOptions> options, ILogger<SessionTableWarmup> logger) : BackgroundService
{
    private readonly TaskCompletionSource<long> _completed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes with the number of sessions the shards hold once all are loaded.</summary>
    public Task<long> Completed => _completed.Task;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.WarmUpOnStart)
        {
            _completed.TrySetResult(0);
            return;
        }

        try
        {
            long sessions = 0;
            var tenantIds = await grains.GetGrain<ITenantDirectoryGrain>(ITenantDirectoryGrain.Key).List();
            foreach (var tenantId in tenantIds)
            {
                stoppingToken.ThrowIfCancellationRequested();
                var tenant = await grains.GetGrain<ITenantGrain>(tenantId).GetSnapshot();

                // Listed but never created (a crash between the directory and the tenant's own write):
                // its shards, which stay once loaded, would be kept for nothing.
                if (!tenant.Exists)
                {
                    continue;
                }

                // One shard at a time per tenant: loading is I/O and CPU heavy, and requests come first.
                for (var shard = 0; shard < tenant.SessionTableShards; shard++)
                {
                    sessions += await grains.GetGrain<ISessionTableShardGrain>(GrainKeys.Shard(tenantId, shard)).Count();
                }
            }

            LogWarmedUp(tenantIds.Count, sessions);
            _completed.TrySetResult(sessions);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Not fatal: a shard not loaded now loads on its first query.
            LogWarmUpFailed(ex);
            _completed.TrySetException(ex);
        }
        catch (OperationCanceledException)
        {
            _completed.TrySetCanceled(stoppingToken);
        }
    }

    [LoggerMessage(LogLevel.Information, "Session tables loaded: {Tenants} tenants, {Sessions} sessions.")]
    private partial void LogWarmedUp(int tenants, long sessions);

    [LoggerMessage(LogLevel.Warning, "Loading the session tables at start failed; shards load on first use instead.")]
    private partial void LogWarmUpFailed(Exception ex);
}
