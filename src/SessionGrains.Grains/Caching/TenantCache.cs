using System.Collections.Concurrent;
using SessionGrains.Caching;
using SessionGrains.Tenants;

namespace SessionGrains.Grains.Caching;

/// <summary>
/// This silo's copy of the tenant data every request reads (policy, key hashes). Tenant grains
/// push each change here and wait for it (see <see cref="ITenantCacheSyncGrain"/>), so the cache
/// never hides a change once the change has returned; the lease only bounds how stale an entry can
/// get if a push was lost to a silo that was unreachable at that moment.
/// </summary>
public sealed class TenantCache(IGrainFactory grains, [FromKeyedServices(Clock.Key)] TimeProvider time)
{
    /// <summary>How long an entry is trusted without a push before it is fetched again.</summary>
    public static readonly TimeSpan Lease = TimeSpan.FromSeconds(10);

    /// <summary>The most tenants found missing this cache remembers.</summary>
    public const int MissingCapacity = 1024;

    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>How many tenants this cache holds an answer for (for tests and diagnostics).</summary>
    internal int Count => _entries.Count;

    private sealed record Entry(TenantSnapshot Snapshot, long FetchedAt);

    /// <summary>The tenant's snapshot, from memory while the lease holds, else from its grain.</summary>
    public ValueTask<TenantSnapshot> GetAsync(string tenantId)
    {
        if (_entries.TryGetValue(tenantId, out var entry)
            && time.GetElapsedTime(entry.FetchedAt) < Lease)
        {
            return ValueTask.FromResult(entry.Snapshot);
        }

        return new ValueTask<TenantSnapshot>(FetchAsync(tenantId));
    }

    private async Task<TenantSnapshot> FetchAsync(string tenantId)
    {
        var snapshot = await grains.GetGrain<ITenantGrain>(tenantId).GetSnapshot();
        return Apply(snapshot);
    }

    /// <summary>
    /// Keeps <paramref name="snapshot"/> unless a newer one is held; returns the one kept. A fetch
    /// that was answered before a push but arrives after it can therefore never undo the push.
    /// </summary>
    public TenantSnapshot Apply(TenantSnapshot snapshot)
    {
        var now = time.GetTimestamp();
        var kept = _entries.AddOrUpdate(
            snapshot.TenantId,
            static (_, arg) => new Entry(arg.snapshot, arg.now),
            static (_, existing, arg) => arg.snapshot.Version >= existing.Snapshot.Version
                ? new Entry(arg.snapshot, arg.now)
                : existing with { FetchedAt = arg.now },
            (snapshot, now));
        return kept.Snapshot;
    }
}
