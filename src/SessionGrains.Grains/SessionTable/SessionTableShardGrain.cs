using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionGrains.Grains.Caching;
using SessionGrains.SessionTable;
using SessionGrains.Tenants;

namespace SessionGrains.Grains.SessionTable;

/// <inheritdoc cref="ISessionTableShardGrain"/>
/// <remarks>
/// Kept alive: rebuilding a shard means reading all its rows, so it stays in memory until its
/// silo stops; if the silo dies, the next call activates it elsewhere and it reloads.
/// </remarks>
[KeepAlive]
internal sealed partial class SessionTableShardGrain(
    ISessionRowStore rows,
    TenantCache tenants,
    [FromKeyedServices(Clock.Key)] TimeProvider time,
    IOptions<SessionTableOptions> options,
    ILogger<SessionTableShardGrain> logger) : Grain, ISessionTableShardGrain
{
    private readonly ShardIndex _index = new();

    private (string TenantId, int Shard) Key
    {
        get
        {
            var (tenantId, shard) = GrainKeys.Split(this.GetPrimaryKeyString());
            return (tenantId, int.Parse(shard, System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var (tenantId, shard) = Key;
        await foreach (var summary in rows.ReadShardAsync(tenantId, shard, cancellationToken))
        {
            _index.Apply(summary);
        }

        _index.TrimExcess();
        LogLoaded(tenantId, shard, _index.Count);
        var every = TimeSpan.FromSeconds(options.Value.SweepIntervalSeconds);
        this.RegisterGrainTimer(async _ => await Sweep(), every, every);
    }

    public Task Apply(SessionRow summary)
    {
        _index.Apply(summary);
        return Task.CompletedTask;
    }

    public Task<int> Count() => Task.FromResult(_index.Count);

    public async Task<ShardPage> Query(SessionQuery query)
    {
        var tenant = await tenants.GetAsync(Key.TenantId);
        return _index.Query(query, query.AsOf ?? time.GetUtcNow(), tenant);
    }

    public async Task<SessionStats> Stats(string? microtenantId, DateTimeOffset asOf)
    {
        var tenant = await tenants.GetAsync(Key.TenantId);
        return _index.Stats(microtenantId, asOf, tenant);
    }

    public Task<IReadOnlyList<string>> StoredActiveCoveredBy(LogoutAllMarker marker) =>
        Task.FromResult<IReadOnlyList<string>>(_index.StoredActiveCoveredBy(marker));

    public async Task<int> Sweep()
    {
        var (tenantId, shard) = Key;
        var tenant = await tenants.GetAsync(tenantId);
        var now = time.GetUtcNow();
        var purged = _index.Purge(now, now - options.Value.Retention, tenant);
        if (purged.Count > 0)
        {
            await rows.DeleteAsync(tenantId, purged, CancellationToken.None);
            LogPurged(tenantId, shard, purged.Count);
        }

        return purged.Count;
    }

    [LoggerMessage(LogLevel.Information, "Session table shard {TenantId}/{Shard} loaded {Count} sessions.")]
    private partial void LogLoaded(string tenantId, int shard, int count);

    [LoggerMessage(LogLevel.Information, "Session table shard {TenantId}/{Shard} purged {Count} sessions past retention.")]
    private partial void LogPurged(string tenantId, int shard, int count);
}
