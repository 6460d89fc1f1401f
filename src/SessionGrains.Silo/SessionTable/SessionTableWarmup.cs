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
            var shards = new List<(string TenantId, int Shard)>();
            var tenantIds = await grains.GetGrain<ITenantDirectoryGrain>(ITenantDirectoryGrain.Key).List();
            foreach (var tenantId in tenantIds)
            {
                stoppingToken.ThrowIfCancellationRequested();
                var tenant = await grains.GetGrain<ITenantGrain>(tenantId).GetSnapshot();

                // Listed but never created (a crash between the directory and the tenant's own write):
                // its shards, which stay once loaded, would be kept for nothing.
                if (tenant.Exists)
                {
                    shards.AddRange(Enumerable.Range(0, tenant.SessionTableShards).Select(shard => (tenantId, shard)));
                }
            }

            // As many at once as a silo loads at once (ShardLoadGate): a tenant's shards load side by
            // side, and no shard waits behind the others long enough for its call to time out.
            long sessions = 0;
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = Environment.ProcessorCount, CancellationToken = stoppingToken };
            await Parallel.ForEachAsync(shards, parallel, async (key, _) =>
                Interlocked.Add(ref sessions, await grains.GetGrain<ISessionTableShardGrain>(GrainKeys.Shard(key.TenantId, key.Shard)).Count()));

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
