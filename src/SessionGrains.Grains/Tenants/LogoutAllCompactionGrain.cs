using Microsoft.Extensions.Logging;
using SessionGrains.SessionTable;
using SessionGrains.Sessions;
using SessionGrains.Tenants;

namespace SessionGrains.Grains.Tenants;

/// <inheritdoc cref="ILogoutAllCompactionGrain"/>
internal sealed partial class LogoutAllCompactionGrain(ILogger<LogoutAllCompactionGrain> logger) : Grain, ILogoutAllCompactionGrain
{
    /// <summary>How many session grains are asked at once to store their end.</summary>
    private const int Parallelism = 64;

    public async Task Compact()
    {
        var tenantId = this.GetPrimaryKeyString();
        var tenant = GrainFactory.GetGrain<ITenantGrain>(tenantId);
        try
        {
            var snapshot = await tenant.GetSnapshot();
            for (var round = 0; round < LogoutAllRule.MaxHeld && snapshot.LogoutAlls.Count > LogoutAllRule.MaxKept; round++)
            {
                var oldest = snapshot.LogoutAlls[0];
                var ended = await EndCoveredAsync(tenantId, snapshot.SessionTableShards, oldest);
                await tenant.ForgetLogoutAll(oldest);
                LogForgotten(tenantId, oldest.NotBefore, ended);
                snapshot = await tenant.GetSnapshot();
            }
        }
        catch (Exception ex)
        {
            // The marker stays held, so nothing it ended comes back; the next logout-all tries again.
            LogFailed(ex, tenantId);
        }
    }

    /// <summary>
    /// Has every session that <paramref name="marker"/> covers and that is still stored as active
    /// store its end: its grain applies the rule on access, with the marker still held by every
    /// silo, so the stored end is the marker's. Any failure throws, and the marker is kept.
    /// </summary>
    private async Task<int> EndCoveredAsync(string tenantId, int shards, LogoutAllMarker marker)
    {
        var covered = await Task.WhenAll(Enumerable.Range(0, shards).Select(shard =>
            GrainFactory.GetGrain<ISessionTableShardGrain>(GrainKeys.Shard(tenantId, shard)).StoredActiveCoveredBy(marker)));
        var ids = covered.SelectMany(c => c).ToList();
        foreach (var chunk in ids.Chunk(Parallelism))
        {
            var statuses = await Task.WhenAll(chunk.Select(id =>
                GrainFactory.GetGrain<ISessionGrain>(GrainKeys.Session(tenantId, id)).GetStatus()));
            if (statuses.Any(s => s == SessionStatus.Active))
            {
                throw new InvalidOperationException(
                    "A session the oldest logout-all covers is still active: its silo does not hold the marker.");
            }
        }

        return ids.Count;
    }

    [LoggerMessage(LogLevel.Information, "Tenant {TenantId}: logout-all of {NotBefore} forgotten after {Ended} sessions it covered stored their end.")]
    private partial void LogForgotten(string tenantId, DateTimeOffset notBefore, int ended);

    [LoggerMessage(LogLevel.Warning, "Tenant {TenantId}: compacting logout-alls failed; the oldest stays held until the next attempt.")]
    private partial void LogFailed(Exception ex, string tenantId);
}
