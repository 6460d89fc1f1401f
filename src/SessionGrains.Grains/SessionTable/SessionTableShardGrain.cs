using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionGrains.Clients;
using SessionGrains.Grains.Caching;
using SessionGrains.Grains.Telemetry;
using SessionGrains.SessionTable;
using SessionGrains.Sessions;
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
    ShardLoadGate loads,
    [FromKeyedServices(Clock.Key)] TimeProvider time,
    IOptions<SessionTableOptions> options,
    SessionGrainsMetrics metrics,
    ActiveShards active,
    ILogger<SessionTableShardGrain> logger) : Grain, ISessionTableShardGrain
{
    /// <summary>How many unseen expired sessions one sweep has store their end.</summary>
    private const int SettledPerSweep = 512;

    private readonly ShardIndex _index = new();

    private (string TenantId, int Shard) Key
    {
        get
        {
            var (tenantId, shard) = GrainKeys.Split(this.GetPrimaryKeyString());
            return (tenantId, int.Parse(shard, System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    /// <summary>Every row written with a change number below this has been read (see <see cref="ISessionRowStore.ChangeWatermarkAsync"/>).</summary>
    private long _caughtUpTo;

    /// <summary>The load of the shard's rows: every call waits for it first.</summary>
    private Task _loaded = Task.CompletedTask;

    private readonly CancellationTokenSource _deactivating = new();

    /// <remarks>
    /// The rows are loaded beside the activation, not in it: Orleans cancels an activation that
    /// outlasts its activation timeout (30 s), and a large shard on a busy silo, waiting for a
    /// load slot behind the tenant's other shards, can take longer; cancelled, its next call would
    /// start the load again from nothing, so on a loaded machine the table might never come up.
    /// Loaded beside it, the load runs once: a call that times out while it runs answers 503 and
    /// the caller retries while the load goes on.
    /// </remarks>
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _loaded = LoadAsync(_deactivating.Token);
        return Task.CompletedTask;
    }

    public override Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _deactivating.Cancel();
        active.Remove(this);
        return Task.CompletedTask;
    }

    private async Task LoadAsync(CancellationToken cancellationToken)
    {
        var (tenantId, shard) = Key;
        try
        {
            var asked = time.GetTimestamp();
            using (await loads.EnterAsync(cancellationToken))
            {
                var waited = time.GetElapsedTime(asked);
                var start = time.GetTimestamp();
                var read = 0L;
                _caughtUpTo = await rows.ChangeWatermarkAsync(tenantId, shard, cancellationToken);
                _index.EnsureCapacity(await rows.CountShardAsync(tenantId, shard, cancellationToken));
                await foreach (var summary in rows.ReadShardAsync(tenantId, shard, _index.Strings, cancellationToken))
                {
                    _index.Load(summary);
                    read++;
                }

                _index.TrimExcess();
                var took = time.GetElapsedTime(start);
                metrics.ShardLoaded(took, read);
                active.Add(this, () => _index.Count);
                LogLoaded(tenantId, shard, _index.Count, (long)took.TotalMilliseconds, (long)waited.TotalMilliseconds);
            }
        }
        catch (Exception ex)
        {
            // A half-loaded shard must never answer: this activation goes, and the next call loads anew.
            LogLoadFailed(ex, tenantId, shard);
            DeactivateOnIdle();
            throw;
        }

        var every = TimeSpan.FromSeconds(options.Value.SweepIntervalSeconds);
        this.RegisterGrainTimer(async _ => await Sweep(), every, every);
        var catchUp = TimeSpan.FromSeconds(options.Value.CatchUpIntervalSeconds);
        this.RegisterGrainTimer(CatchUpOnTimerAsync, catchUp, catchUp);
    }

    public async Task Apply(SessionRow summary)
    {
        await _loaded;
        _index.Apply(summary);
    }

    public async Task CatchUp()
    {
        await _loaded;
        await CatchUpAsync(CancellationToken.None);
    }

    /// <summary>
    /// Session grains tell the shard after each write, but a write whose telling failed (the
    /// grain's silo died right after it, or the shard's silo kept failing) must not stay unlisted
    /// for the shard's life: the shard reads what was written since its last look, by the indexed
    /// change number, and keeps the newer version of each row.
    /// </summary>
    private async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        var (tenantId, shard) = Key;
        var next = await rows.ChangeWatermarkAsync(tenantId, shard, cancellationToken);
        await foreach (var summary in rows.ReadShardChangesAsync(tenantId, shard, _caughtUpTo, cancellationToken))
        {
            _index.Apply(summary);
        }

        _caughtUpTo = next;
    }

    private async Task CatchUpOnTimerAsync(CancellationToken cancellationToken)
    {
        try
        {
            await CatchUpAsync(cancellationToken);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            // The next tick reads from the same watermark, so nothing is skipped.
            LogCatchUpFailed(ex, Key.TenantId, Key.Shard);
        }
    }

    public async Task<int> Count()
    {
        await _loaded;
        return _index.Count;
    }

    public async Task<ShardPage> Query(SessionQuery query)
    {
        await _loaded;
        var tenant = await tenants.GetAsync(Key.TenantId);
        return _index.Query(query, query.AsOf ?? time.GetUtcNow(), tenant);
    }

    public async Task<SessionStats> Stats(string? microtenantId, DateTimeOffset asOf)
    {
        await _loaded;
        var tenant = await tenants.GetAsync(Key.TenantId);
        return _index.Stats(microtenantId, asOf, tenant);
    }

    public async Task<IReadOnlyList<string>> StoredActiveCoveredBy(LogoutAllMarker marker)
    {
        // A marker is forgotten on this answer: a row stored but never told to this shard must be
        // in it, so read what was stored since the last look first, as user logout does.
        await _loaded;
        await CatchUpAsync(CancellationToken.None);
        return _index.StoredActiveCoveredBy(marker);
    }

    public async Task<int> Sweep()
    {
        await _loaded;
        var (tenantId, shard) = Key;
        var tenant = await tenants.GetAsync(tenantId);
        var now = time.GetUtcNow();
        var purged = _index.Purge(now, now - options.Value.Retention, tenant);
        if (purged.Count > 0)
        {
            await rows.DeleteAsync(tenantId, purged, CancellationToken.None);
            LogPurged(tenantId, shard, purged.Count);
        }

        await SettleExpiredAsync(now, tenant);
        return purged.Count;
    }

    /// <summary>
    /// Has the grains of sessions that expired unseen store their end, for the clients that are
    /// told of ends (back-channel logout): a bounded number a sweep, each call not awaited, so the
    /// shard goes on answering; one that fails is found again at the next sweep.
    /// </summary>
    private async Task SettleExpiredAsync(DateTimeOffset now, TenantSnapshot tenant)
    {
        var tenantId = Key.TenantId;
        var clients = (await GrainFactory.GetGrain<IClientRegistryGrain>(tenantId).List())
            .Where(c => c.Registration.BackchannelLogoutUri is not null).Select(c => c.ClientId).ToHashSet(StringComparer.Ordinal);
        foreach (var sessionId in _index.StoredActiveExpired(now, now - TimeSpan.FromHours(24), tenant, clients, SettledPerSweep))
        {
            GrainFactory.GetGrain<ISessionGrain>(GrainKeys.Session(tenantId, sessionId)).GetStatus().Ignore();
        }
    }

    [LoggerMessage(LogLevel.Information, "Session table shard {TenantId}/{Shard} loaded {Count} sessions in {LoadMs} ms, after waiting {WaitMs} ms for a load slot.")]
    private partial void LogLoaded(string tenantId, int shard, int count, long loadMs, long waitMs);

    [LoggerMessage(LogLevel.Warning, "Session table shard {TenantId}/{Shard} could not load its rows; the next call loads them again.")]
    private partial void LogLoadFailed(Exception ex, string tenantId, int shard);

    [LoggerMessage(LogLevel.Warning, "Session table shard {TenantId}/{Shard} could not read its changed rows; it tries again at the next interval.")]
    private partial void LogCatchUpFailed(Exception ex, string tenantId, int shard);

    [LoggerMessage(LogLevel.Information, "Session table shard {TenantId}/{Shard} purged {Count} sessions past retention.")]
    private partial void LogPurged(string tenantId, int shard, int count);
}
