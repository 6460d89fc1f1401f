using System.Collections.Concurrent;

namespace SessionGrains.Grains.Telemetry;

/// <summary>
/// The session table shards active in this silo, so the sessions they hold can be observed as one
/// gauge without a tag per shard (a shard's key names its tenant). A shard joins when it has
/// loaded and leaves when it deactivates.
/// </summary>
public sealed class ActiveShards
{
    private readonly ConcurrentDictionary<object, Func<int>> _shards = new(ReferenceEqualityComparer.Instance);

    /// <summary>Adds a shard; <paramref name="count"/> tells how many sessions it holds now.</summary>
    public void Add(object shard, Func<int> count) => _shards[shard] = count;

    /// <summary>Removes a shard.</summary>
    public void Remove(object shard) => _shards.TryRemove(shard, out _);

    /// <summary>How many shards are active.</summary>
    public long Count() => _shards.Count;

    /// <summary>
    /// Sessions held by all of them. Read from the metrics thread while the shards run: each
    /// count is one int read, at worst a moment old, which a gauge allows.
    /// </summary>
    public long Sessions()
    {
        long total = 0;
        foreach (var count in _shards.Values)
        {
            total += count();
        }

        return total;
    }
}
