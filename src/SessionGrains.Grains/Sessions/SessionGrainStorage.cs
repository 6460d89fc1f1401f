using System.Globalization;
using Orleans.Serialization;
using Orleans.Storage;
using SessionGrains.Grains.SessionTable;

namespace SessionGrains.Grains.Sessions;

/// <summary>
/// The grain storage of session grains (provider <see cref="StorageNames.SessionTable"/>): each
/// session is one row of the session table, its listed columns beside its full state in Orleans'
/// binary format. The ETag is the row version, which it also hands the state as
/// <see cref="SessionState.RowVersion"/>, so the grain never reads an ETag.
/// </summary>
internal sealed class SessionGrainStorage(ISessionRowStore rows, Serializer<SessionState> serializer) : IGrainStorage
{
    public async Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var (tenantId, sessionId) = GrainKeys.Split(grainId.Key.ToString()!);
        var stored = await rows.ReadAsync(tenantId, sessionId, CancellationToken.None);
        if (stored is null)
        {
            return;
        }

        var state = serializer.Deserialize(stored.State)!;
        state.RowVersion = stored.Version;
        grainState.State = (T)(object)state;
        grainState.ETag = stored.Version.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var (tenantId, sessionId) = GrainKeys.Split(grainId.Key.ToString()!);
        var state = (SessionState)(object)grainState.State!;
        long? expected = grainState.ETag is { } etag ? long.Parse(etag, CultureInfo.InvariantCulture) : null;
        var version = (expected ?? 0) + 1;
        var row = new SessionRecord(tenantId, state.Shard, state.ToRow(sessionId, version), serializer.SerializeToArray(state));
        await rows.WriteAsync(row, expected, CancellationToken.None, state.PendingAudit, state.PendingLogout);
        state.RowVersion = version;
        grainState.ETag = version.ToString(CultureInfo.InvariantCulture);
        grainState.RecordExists = true;
    }

    public async Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        var (tenantId, sessionId) = GrainKeys.Split(grainId.Key.ToString()!);
        await rows.DeleteAsync(tenantId, [sessionId], CancellationToken.None);
        grainState.ETag = null;
        grainState.RecordExists = false;
    }
}
