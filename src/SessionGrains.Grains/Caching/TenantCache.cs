using System.Collections.Concurrent;
using SessionGrains.Caching;
using SessionGrains.Tenants;

namespace SessionGrains.Grains.Caching;

/// <summary>
/// This silo's copy of the tenant data every request reads (policy, key hashes). Tenant grains
/// push each change here and wait for it (see <see cref="ITenantCacheSyncGrain"/>), so the cache
/// never hides a change once the change has returned; the lease only bounds how stale an entry can
/// get if a push was lost to a silo that was unreachable at that moment. A tenant that does not
/// exist gets no entry: it is remembered, briefly and among a bounded number, by
/// <see cref="MissingTenants"/>, so naming made-up tenants costs nothing that stays.
/// </summary>
public sealed class TenantCache(IGrainFactory grains, [FromKeyedServices(Clock.Key)] TimeProvider time)
{
    /// <summary>How long an entry is trusted without a push before it is fetched again.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(10);

    /// <summary>The most tenants found missing this cache remembers.</summary>
    public const int MissingCapacity = 1024;

    /// <summary>
    /// How long a tenant found missing is believed missing without asking its grain again: no longer
    /// than <see cref="Lease"/>, so a silo a creation's push did not reach is no later to see it.
    /// </summary>
    public static readonly TimeSpan MissingLease = TimeSpan.FromSeconds(5);

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);
    private readonly MissingTenants _missing = new(time, MissingCapacity, MissingLease);

    /// <summary>How many tenants this cache holds an answer for (for tests and diagnostics).</summary>
    internal int Count => _entries.Count + _missing.Count;

    private sealed record Entry(TenantSnapshot Snapshot, long FetchedAt);

    /// <summary>The tenant's snapshot, from memory while the lease holds, else from its grain.</summary>
    public ValueTask<TenantSnapshot> GetAsync(string tenantId)
    {
        if (_entries.TryGetValue(tenantId, out var entry)
            && time.GetElapsedTime(entry.FetchedAt) < Lease)
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
        // A tenant this silo has never seen is looked up in the directory first: a made-up name then
        // activates no grain of its own (nor leaves its address in the runtime's directory cache).
        if (!known && !await grains.GetGrain<ITenantDirectoryGrain>(ITenantDirectoryGrain.Key).Contains(tenantId))
        {
            return Apply(TenantSnapshot.Missing(tenantId));
        }

        var snapshot = await grains.GetGrain<ITenantGrain>(tenantId).GetSnapshot();
        return Apply(snapshot);
    }

    /// <summary>
    /// Keeps <paramref name="snapshot"/> unless a newer one is held; returns the one kept. A fetch
    /// that was answered before a push but arrives after it can therefore never undo the push.
    /// </summary>
    public TenantSnapshot Apply(TenantSnapshot snapshot)
    {
        if (!snapshot.Exists)
        {
            return ApplyMissing(snapshot);
        }

        var now = time.GetTimestamp();
        var kept = _entries.AddOrUpdate(
            snapshot.TenantId,
            static (_, arg) => new Entry(arg.snapshot, arg.now),
            static (_, existing, arg) => arg.snapshot.Version >= existing.Snapshot.Version
                ? new Entry(arg.snapshot, arg.now)
                : existing with { FetchedAt = arg.now },
            (snapshot, now));
        _missing.Remove(snapshot.TenantId);
        return kept.Snapshot;
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
