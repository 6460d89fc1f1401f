using System.Collections.Concurrent;

namespace SessionGrains.Grains.Caching;

/// <summary>
/// The tenants this silo recently found not to exist, so that a burst of requests naming one costs
/// one grain call rather than one each. Anyone can name a tenant (a made-up key, a typo), so what is
/// remembered is bounded in number and in age, whatever is named. Two generations: a name goes into
/// the young one; when that is full it becomes the old one and the previous old one is dropped
/// whole — never more than <c>capacity</c> names, with no scan and no per-entry eviction.
/// </summary>
internal sealed class MissingTenants(TimeProvider time, int capacity, TimeSpan lease)
{
    private readonly int _generationSize = Math.Max(1, capacity / 2);
    private readonly Lock _turn = new();
    private ConcurrentDictionary<string, long> _young = New();
    private ConcurrentDictionary<string, long> _old = New();

    /// <summary>How many names are held, fresh or not.</summary>
    public int Count => _young.Count + _old.Count;

    /// <summary>True when <paramref name="tenantId"/> was found missing less than the lease ago.</summary>
    public bool Contains(string tenantId) =>
        (_young.TryGetValue(tenantId, out var at) || _old.TryGetValue(tenantId, out at))
        && time.GetElapsedTime(at) < lease;

    /// <summary>Remembers that <paramref name="tenantId"/> was just found missing.</summary>
    public void Add(string tenantId)
    {
        // Only after a grain call that found nothing, so the lock costs nothing next to it; under it
        // the bound is exact.
        lock (_turn)
        {
            if (_young.Count >= _generationSize && !_young.ContainsKey(tenantId))
            {
                _old = _young;
                _young = New();
            }

            _young[tenantId] = time.GetTimestamp();
        }
    }

    /// <summary>Forgets <paramref name="tenantId"/>: it exists now.</summary>
    public void Remove(string tenantId)
    {
        _young.TryRemove(tenantId, out _);
        _old.TryRemove(tenantId, out _);
    }

    private static ConcurrentDictionary<string, long> New() => new(StringComparer.Ordinal);
}
