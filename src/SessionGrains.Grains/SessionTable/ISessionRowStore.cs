using SessionGrains.SessionTable;

namespace SessionGrains.Grains.SessionTable;

/// <summary>A session's stored row: its summary columns (what the table lists) and its full state.</summary>
public sealed record SessionRecord(string TenantId, int Shard, SessionRow Row, byte[] State);

/// <summary>A session's full state as stored, with the row version it was read at.</summary>
public sealed record StoredSessionState(byte[] State, long Version);

/// <summary>
/// The table that holds every session: one row each, with the columns the session table lists
/// and the grain's full state. Session grains read and write their own row through it (as their
/// grain storage); the session table's shards load their part of it when they activate. Because the row the
/// table is rebuilt from is the very row that holds the session, a stored session is always
/// listed, whatever crashed in between.
/// </summary>
public interface ISessionRowStore
{
    /// <summary>The stored state of one session, or null when it has no row.</summary>
    Task<StoredSessionState?> ReadAsync(string tenantId, string sessionId, CancellationToken cancellationToken);

    /// <summary>
    /// Writes a row when it is still at <paramref name="expectedVersion"/> (null: the row must
    /// not exist), as <paramref name="row"/>'s summary version. Concurrent writes are committed
    /// together (group commit). Throws <see cref="Orleans.Storage.InconsistentStateException"/> when the version
    /// does not match. <paramref name="audit"/>, when given, is inserted into the audit log in the
    /// same transaction, and only if the row was written; so is <paramref name="logout"/> into the
    /// back-channel logout outbox (once per session: a second notice of the same session is dropped).
    /// </summary>
    Task WriteAsync(
        SessionRecord row, long? expectedVersion, CancellationToken cancellationToken,
        Audit.AuditRecord? audit = null, BackchannelLogout.LogoutNotice? logout = null);

    /// <summary>How many rows one shard of one tenant has (to size a shard's arrays before it reads them).</summary>
    Task<int> CountShardAsync(string tenantId, int shard, CancellationToken cancellationToken);

    /// <summary>
    /// Every row of one shard of one tenant, summary columns only, streamed as read (no list of
    /// them all), each string but the session id taken from <paramref name="strings"/>.
    /// </summary>
    IAsyncEnumerable<SessionRow> ReadShardAsync(string tenantId, int shard, ISessionStrings strings, CancellationToken cancellationToken);

    /// <summary>
    /// A change watermark of one shard: every write of its rows that carries a change number below
    /// it has finished, so any read that starts after this call sees it. A shard takes one before
    /// each read of its rows and reads the next changes from there (<see cref="ReadShardChangesAsync"/>).
    /// </summary>
    Task<long> ChangeWatermarkAsync(string tenantId, int shard, CancellationToken cancellationToken);

    /// <summary>
    /// The rows of one shard written at or after <paramref name="since"/> (a watermark), summary
    /// columns only; rows seen before may come again, and the row version tells which is newer.
    /// </summary>
    IAsyncEnumerable<SessionRow> ReadShardChangesAsync(string tenantId, int shard, long since, CancellationToken cancellationToken);

    /// <summary>Deletes rows (purge after retention).</summary>
    Task DeleteAsync(string tenantId, IReadOnlyCollection<string> sessionIds, CancellationToken cancellationToken);
}
