namespace SessionGrains.Grains.SessionTable;

/// <summary>
/// Lets as many session table shards of this silo load their rows at once as it has cores. A
/// load is CPU work (decoding rows, building the index) that allocates the whole shard: more
/// loads than cores finish no sooner in total, but each takes longer, all their half-built
/// tables are alive at once for the garbage collector to trace, and requests wait for cores.
/// </summary>
public sealed class ShardLoadGate
{
    private readonly SemaphoreSlim _slots = new(Environment.ProcessorCount, Environment.ProcessorCount);

    /// <summary>How many loads may run at once.</summary>
    public int Width { get; } = Environment.ProcessorCount;

    /// <summary>Waits for a free slot; disposing the result frees it.</summary>
    public Task<IDisposable> EnterAsync(CancellationToken cancellationToken) => _slots.EnterAsync(cancellationToken);
}
