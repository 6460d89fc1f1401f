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
/// fails the request rather than serve the old entry. A tenant that does not exist gets no entry:
/// it is remembered, briefly and among a bounded number, by <see cref="MissingTenants"/>, so
/// naming made-up tenants costs nothing that stays.
/// </summary>
/// <remarks>
/// The lease of an entry starts when the fetch that brought it was sent, never later: the
/// snapshot was current then, not necessarily when it arrived. A push brings a newer snapshot
/// but no lease of its own, since it may have been delayed past a change that already waited out
/// this silo's lease (see <see cref="TenantBroadcast"/>); the entry keeps its fetch's lease.
/// </remarks>
public sealed class TenantCache(
    IGrainFactory grains,
    ILocalSiloDetails silo,
    IOptions<TenantCacheOptions> options,
    [FromKeyedServices(Clock.Key)] TimeProvider time)
{
    /// <summary>The most tenants found missing this cache remembers.</summary>
    public const int MissingCapacity = 1024;

    /// <summary>
    /// The longest a tenant found missing is believed missing without asking again. It is never
    /// longer than the lease, so a silo that a creation's push did not reach is no later to see it.
    /// </summary>
    private static readonly TimeSpan MaxMissingLease = TimeSpan.FromSeconds(5);

    private readonly TimeSpan _lease = options.Value.Lease;
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly MissingTenants _missing = new(
        time, MissingCapacity, options.Value.Lease < MaxMissingLease ? options.Value.Lease : MaxMissingLease);

    /// <summary>How many tenants this cache holds an answer for (for tests and diagnostics).</summary>
    internal int Count => _entries.Count + _missing.Count;

    /// <summary>A snapshot and when its lease started (a timestamp of the session clock); no lease when null.</summary>
    private sealed record Entry(TenantSnapshot Snapshot, long? LeaseStart);

    /// <summary>
    /// Whether this cache holds an entry for the tenant, whatever its lease: then the tenant exists,
    /// and <see cref="GetAsync"/> asks nothing of the tenant directory (at most one fetch per lease).
    /// </summary>
    public bool Holds(string tenantId) => _entries.ContainsKey(tenantId);

    /// <summary>The tenant's snapshot, from memory while the lease holds, else from its grain.</summary>
    public ValueTask<TenantSnapshot> GetAsync(string tenantId)
    {
        if (_entries.TryGetValue(tenantId, out var entry)
            && entry.LeaseStart is { } start
            && time.GetElapsedTime(start) < _lease)
        {
            return ValueTask.FromResult(entry.Snapshot);
        }

        // An entry, even an expired one, means the tenant exists: only without one can it be missing.
        if (entry is null && _missing.Contains(tenantId))
        {
            return ValueTask.FromResult(TenantSnapshot.Missing(tenantId));
        }

        return new ValueTask<TenantSnapshot>(FetchAsync(tenantId, known: entry is not null));
    }

    private async Task<TenantSnapshot> FetchAsync(string tenantId, bool known)
    {
        var sentAt = time.GetTimestamp();

        // A tenant this silo has never seen is looked up in the directory first: a made-up name then
        // activates no grain of its own (nor leaves its address in the runtime's directory cache).
        if (!known && !await grains.GetGrain<ITenantDirectoryGrain>(ITenantDirectoryGrain.Key).Contains(tenantId))
        {
            return ApplyMissing(TenantSnapshot.Missing(tenantId));
        }

        // An answer that takes longer than a lease is out of date on arrival (its lease ran from the
        // sending), so waiting longer only holds the request: a TimeoutException answers it 503.
        // That happens when the runtime must look the tenant grain up on a silo that stopped answering.
        var snapshot = await grains.GetGrain<ITenantGrain>(tenantId).Lease(silo.SiloAddress).WaitAsync(_lease, time);
        return snapshot.Exists ? Fetched(snapshot, sentAt) : ApplyMissing(snapshot);
    }

    /// <summary>
    /// Keeps the newer of the fetched and the held snapshot, under the later of the two leases. A
    /// fetch answered before a push but arriving after it can therefore never undo the push, and
    /// the newer snapshot is at least as current as the fetched one was when it was sent.
    /// </summary>
    private TenantSnapshot Fetched(TenantSnapshot snapshot, long sentAt)
    {
        var kept = _entries.AddOrUpdate(
            snapshot.TenantId,
            static (_, arg) => new Entry(arg.snapshot, arg.sentAt),
            static (_, existing, arg) => new Entry(
                arg.snapshot.Version >= existing.Snapshot.Version ? arg.snapshot : existing.Snapshot,
                existing.LeaseStart is { } start && start > arg.sentAt ? start : arg.sentAt),
            (snapshot, sentAt)).Snapshot;
        _missing.Remove(snapshot.TenantId);
        return kept;
    }

    /// <summary>
    /// Takes a pushed <paramref name="snapshot"/> unless a newer one is held; returns the one kept.
    /// The entry keeps its lease (none for a tenant this silo has not fetched yet).
    /// </summary>
    public TenantSnapshot Apply(TenantSnapshot snapshot)
    {
        if (!snapshot.Exists)
        {
            return ApplyMissing(snapshot);
        }

        var kept = _entries.AddOrUpdate(
            snapshot.TenantId,
            static (_, pushed) => new Entry(pushed, null),
            static (_, existing, pushed) => pushed.Version > existing.Snapshot.Version ? existing with { Snapshot = pushed } : existing,
            snapshot).Snapshot;
        _missing.Remove(snapshot.TenantId);
        return kept;
    }

    /// <summary>
    /// A fetch found no tenant. Tenants are never deleted, so an entry held means that answer is
    /// older than the tenant's creation and loses. A creation's push that lands between the check and
    /// the add leaves a stale name behind, which <see cref="GetAsync"/> never reads past the entry.
    /// </summary>
    private TenantSnapshot ApplyMissing(TenantSnapshot missing)
    {
        if (_entries.TryGetValue(missing.TenantId, out var existing))
        {
            return existing.Snapshot;
        }

        _missing.Add(missing.TenantId);
        return missing;
    }
}
