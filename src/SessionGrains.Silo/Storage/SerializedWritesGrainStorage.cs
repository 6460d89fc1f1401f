using Orleans.Storage;

namespace SessionGrains.Silo.Storage;

/// <summary>
/// Lets one grain-state write at a time reach SQLite, waiting asynchronously for its turn.
/// </summary>
/// <remarks>
/// SQLite has a single writer. When many grains write at once, all but one get SQLITE_BUSY, and
/// Microsoft.Data.Sqlite retries by sleeping on the calling thread, which is an Orleans
/// scheduler thread: under a burst of sign-ins, turns blocked for over a second and throughput
/// collapsed. Queuing here instead holds no thread while waiting and never sleeps, and changes
/// nothing about durability: every write still commits (and syncs) before it returns. Reads pass
/// straight through, since WAL readers never wait for the writer.
/// </remarks>
internal sealed class SerializedWritesGrainStorage(IGrainStorage inner) : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    private readonly SemaphoreSlim _writer = new(1, 1);

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ReadStateAsync(stateName, grainId, grainState);

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken) =>
        inner.ReadStateAsync(stateName, grainId, grainState, cancellationToken);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        WriteStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        await _writer.WaitAsync(cancellationToken);
        try
        {
            await inner.WriteStateAsync(stateName, grainId, grainState, cancellationToken);
        }
        finally
        {
            _writer.Release();
        }
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        ClearStateAsync(stateName, grainId, grainState, CancellationToken.None);

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState, CancellationToken cancellationToken)
    {
        await _writer.WaitAsync(cancellationToken);
        try
        {
            await inner.ClearStateAsync(stateName, grainId, grainState, cancellationToken);
        }
        finally
        {
            _writer.Release();
        }
    }

    // The ADO.NET storage initialises itself on the silo lifecycle; it must still be called.
    public void Participate(ISiloLifecycle lifecycle) => (inner as ILifecycleParticipant<ISiloLifecycle>)?.Participate(lifecycle);
}
