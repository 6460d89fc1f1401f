using Microsoft.Data.Sqlite;
using Orleans.Storage;

namespace SessionGrains.Tests.Infrastructure.Faults;

/// <summary>The silo's real grain storage, whose writes fail on demand (<see cref="SiloFaults.FailWritesOf"/>).</summary>
internal sealed class FaultyGrainStorage(IGrainStorage inner, SiloFaults faults) : IGrainStorage, ILifecycleParticipant<ISiloLifecycle>
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ReadStateAsync(stateName, grainId, grainState);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        if (faults.FailWritesOf == stateName)
        {
            // What SQLite answers when the file stays locked past the busy timeout.
            throw new SqliteException("database is locked (test fault)", 5);
        }

        return inner.WriteStateAsync(stateName, grainId, grainState);
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ClearStateAsync(stateName, grainId, grainState);

    public void Participate(ISiloLifecycle lifecycle) => (inner as ILifecycleParticipant<ISiloLifecycle>)?.Participate(lifecycle);
}
