using System.Collections.Concurrent;
using Microsoft.Extensions.Options;
using SessionGrains.Caching;
using SessionGrains.Tenants;

namespace SessionGrains.Grains.Caching;

/// <summary>
/// This silo's copy of the tenant data every request reads (policy, key hashes). Tenant grains
/// push each change here and wait for it (see <see cref="ITenantCacheSyncGrain"/>), so the cache
/// never hides a change once the change has returned. A silo that missed a push stops serving
/// the entry when its lease runs out, and fetches again before it answers; a fetch that fails
/// fails the request rather than serve the old entry.
/// </summary>
/// <remarks>
/// The lease of an entry starts when the fetch that brought it was sent, never later: the
/// snapshot was current then, not necessarily when it arrived. A push brings a newer snapshot
/// but no lease of its own, since it may have been delayed past a change that already waited out
/// this silo's lease (see <see cref="TenantBroadcast"/>); the entry keeps its fetch's lease.
/// </remarks>
public sealed class TenantCache(
    IGrainFactory grains, IOptions<TenantCacheOptions> options, [FromKeyedServices(Clock.Key)] TimeProvider time)
{
    private readonly TimeSpan _lease = options.Value.Lease;
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>A snapshot and when its lease started (a timestamp of the session clock); no lease when null.</summary>
    private sealed record Entry(TenantSnapshot Snapshot, long? LeaseStart);

    /// <summary>The tenant's snapshot, from memory while the lease holds, else from its grain.</summary>
    public ValueTask<TenantSnapshot> GetAsync(string tenantId)
    {
        if (_entries.TryGetValue(tenantId, out var entry)
            && entry.LeaseStart is { } start
            && time.GetElapsedTime(start) < _lease)
        {
            return ValueTask.FromResult(entry.Snapshot);
        }

        return new ValueTask<TenantSnapshot>(FetchAsync(tenantId));
    }

    private async Task<TenantSnapshot> FetchAsync(string tenantId)
    {
        var sentAt = time.GetTimestamp();
        var snapshot = await grains.GetGrain<ITenantGrain>(tenantId).GetSnapshot();
        return Fetched(snapshot, sentAt);
    }

    /// <summary>
    /// Keeps the newer of the fetched and the held snapshot, under the later of the two leases. A
    /// fetch answered before a push but arriving after it can therefore never undo the push, and
    /// the newer snapshot is at least as current as the fetched one was when it was sent.
    /// </summary>
    private TenantSnapshot Fetched(TenantSnapshot snapshot, long sentAt) =>
        _entries.AddOrUpdate(
            snapshot.TenantId,
            static (_, arg) => new Entry(arg.snapshot, arg.sentAt),
            static (_, existing, arg) => new Entry(
                arg.snapshot.Version >= existing.Snapshot.Version ? arg.snapshot : existing.Snapshot,
                existing.LeaseStart is { } start && start > arg.sentAt ? start : arg.sentAt),
            (snapshot, sentAt)).Snapshot;

    /// <summary>
    /// Takes a pushed <paramref name="snapshot"/> unless a newer one is held; returns the one kept.
    /// The entry keeps its lease (none for a tenant this silo has not fetched yet).
    /// </summary>
    public TenantSnapshot Apply(TenantSnapshot snapshot) =>
        _entries.AddOrUpdate(
            snapshot.TenantId,
            static (_, pushed) => new Entry(pushed, null),
            static (_, existing, pushed) => pushed.Version > existing.Snapshot.Version ? existing with { Snapshot = pushed } : existing,
            snapshot).Snapshot;
}
