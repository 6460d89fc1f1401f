using Microsoft.Extensions.Logging;
using SessionGrains.BackchannelLogout;
using SessionGrains.Clients;
using SessionGrains.Grains.Caching;

namespace SessionGrains.Grains.BackchannelLogout;

/// <summary>How far a tenant's logout-alls have been queued for back-channel logout.</summary>
[GenerateSerializer]
public sealed class BackchannelLogoutAllState
{
    /// <summary>The tenant version of the newest logout-all whose notices are queued.</summary>
    [Id(0)] public long QueuedThrough { get; set; }
}

/// <inheritdoc cref="IBackchannelLogoutAllGrain"/>
internal sealed partial class BackchannelLogoutAllGrain(
    [PersistentState("backchannelLogoutAll", StorageNames.Default)] IPersistentState<BackchannelLogoutAllState> state,
    TenantCache tenants,
    IBackchannelOutbox outbox,
    [FromKeyedServices(Clock.Key)] TimeProvider time,
    ILogger<BackchannelLogoutAllGrain> logger) : Grain, IBackchannelLogoutAllGrain
{
    /// <summary>A logout-all older than this is not announced any more (the outbox's retry window).</summary>
    private static readonly TimeSpan Horizon = TimeSpan.FromHours(24);

    public async Task<long> CatchUp()
    {
        var tenantId = this.GetPrimaryKeyString();
        var snapshot = await tenants.GetAsync(tenantId);
        var due = snapshot.LogoutAlls.Where(m => m.Version > state.State.QueuedThrough).OrderBy(m => m.Version).ToList();
        if (due.Count == 0)
        {
            return state.State.QueuedThrough;
        }

        var clients = (await GrainFactory.GetGrain<IClientRegistryGrain>(tenantId).List())
            .Where(c => c.Registration.BackchannelLogoutUri is not null).ToList();
        var unsaved = false;
        foreach (var marker in due)
        {
            List<LogoutTarget> targets = marker.NotBefore >= time.GetUtcNow() - Horizon
                ? [.. clients.Where(c => marker.ClientId is null || marker.ClientId == c.ClientId)
                    .Select(c => new LogoutTarget(c.ClientId, c.Registration.BackchannelLogoutUri!))]
                : [];
            var queued = targets.Count > 0 ? await outbox.QueueCoveredAsync(tenantId, marker, targets, CancellationToken.None) : 0;

            // Queueing again is harmless (a session has one notice), so a crash before this write
            // only repeats the statements; a marker that told no one needs no write of its own.
            state.State.QueuedThrough = marker.Version;
            unsaved = targets.Count == 0;
            if (!unsaved)
            {
                await state.WriteOrForgetAsync(this);
                LogQueued(tenantId, marker.NotBefore, queued);
            }
        }

        if (unsaved)
        {
            await state.WriteOrForgetAsync(this);
        }

        return state.State.QueuedThrough;
    }

    [LoggerMessage(LogLevel.Information, "Tenant {TenantId}: logout-all of {NotBefore:o} queued {Count} back-channel logout notices.")]
    private partial void LogQueued(string tenantId, DateTimeOffset notBefore, int count);
}
