using System.Collections.Concurrent;
using System.Threading.RateLimiting;

namespace SessionGrains.Silo.Api.RateLimits;

/// <summary>
/// At most <c>PermitLimit</c> permits per partition in each fixed window, on a
/// <see cref="TimeProvider"/>'s monotonic clock, so tests move its windows with a fake clock (the
/// framework's FixedWindowRateLimiter reads the Stopwatch). Windows are aligned for all partitions
/// (timestamp ÷ window), so when one ends, every count ends with it: the whole table is dropped
/// and a new one started, and a partition lives no longer than its window. At most
/// <c>capacity</c> partitions are counted in a window; more (an attacker cycling addresses) share
/// one count, so memory stays bounded and the newcomers are still limited. Acquiring costs one
/// dictionary lookup and one interlocked add, without a lock.
/// </summary>
/// <remarks>Permits are never returned: a lease only says yes or no. A count of 0 asks without counting.</remarks>
internal sealed class FixedWindowLimiter<TKey> : PartitionedRateLimiter<TKey> where TKey : notnull
{
    private readonly long _permitLimit;
    private readonly long _window;
    private readonly int _capacity;
    private readonly TimeProvider _time;
    private Table _table;

    public FixedWindowLimiter(RateLimitPolicyOptions limit, TimeProvider time, int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit.PermitLimit);
        _permitLimit = limit.PermitLimit;
        _window = limit.WindowSeconds * time.TimestampFrequency;
        _capacity = capacity;
        _time = time;
        _table = new Table(long.MinValue);
    }

    /// <summary>How many partitions the current window counts apart (for tests: the bound on memory).</summary>
    internal int Partitions => Volatile.Read(ref _table).Count;

    /// <summary>A limiter for <paramref name="limit"/>; none when it is off.</summary>
    public static FixedWindowLimiter<TKey>? For(RateLimitPolicyOptions limit, TimeProvider time, int capacity) =>
        limit.Enabled ? new FixedWindowLimiter<TKey>(limit, time, capacity) : null;

    protected override RateLimitLease AttemptAcquireCore(TKey resource, int permitCount)
    {
        var now = _time.GetTimestamp();
        var table = TableOf(now / _window);
        if (permitCount == 0)
        {
            // Asking only: a partition not counted yet has everything left, and is not added.
            return table.Find(resource) is not { } counted || Volatile.Read(ref counted.Used) < _permitLimit ? WindowLease.Granted : Refused(now);
        }

        var counter = table.Find(resource) ?? table.Add(resource, _capacity);
        return Interlocked.Add(ref counter.Used, permitCount) <= _permitLimit ? WindowLease.Granted : Refused(now);
    }

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(TKey resource, int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AttemptAcquireCore(resource, permitCount));

    public override RateLimiterStatistics? GetStatistics(TKey resource)
    {
        var used = TableOf(_time.GetTimestamp() / _window).Find(resource) is { } counter ? Volatile.Read(ref counter.Used) : 0;
        return new RateLimiterStatistics { CurrentAvailablePermits = Math.Max(0, _permitLimit - used) };
    }

    /// <summary>Refused until the current window ends: whole seconds, at least one.</summary>
    private WindowLease Refused(long now)
    {
        var left = _window - (now % _window);
        return WindowLease.Refused(TimeSpan.FromSeconds(Math.Max(1, (left + _time.TimestampFrequency - 1) / _time.TimestampFrequency)));
    }

    /// <summary>The table of window <paramref name="index"/>; the first caller in a new window starts it.</summary>
    private Table TableOf(long index)
    {
        var table = Volatile.Read(ref _table);
        if (table.Index >= index)
        {
            // The current window, or a caller that read the clock just before another started the next.
            return table;
        }

        var fresh = new Table(index);
        var seen = Interlocked.CompareExchange(ref _table, fresh, table);
        return ReferenceEquals(seen, table) ? fresh : seen;
    }

    private sealed class Counter
    {
        public long Used;
    }

    /// <summary>The counts of one window.</summary>
    private sealed class Table(long index)
    {
        private readonly ConcurrentDictionary<TKey, Counter> _counters = new();
        private readonly Counter _overflow = new();
        private int _count;

        public long Index { get; } = index;

        public int Count => Volatile.Read(ref _count);

        public Counter? Find(TKey key) => _counters.TryGetValue(key, out var counter) ? counter : null;

        public Counter Add(TKey key, int capacity)
        {
            if (Volatile.Read(ref _count) >= capacity)
            {
                return _overflow;
            }

            var added = new Counter();
            var counter = _counters.GetOrAdd(key, added);
            if (ReferenceEquals(counter, added))
            {
                Interlocked.Increment(ref _count);
            }

            return counter;
        }
    }
}
