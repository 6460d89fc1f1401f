using System.Collections.Concurrent;
using Microsoft.Data.Sqlite;
using SessionGrains.Grains;

namespace SessionGrains.Silo.Storage;

/// <summary>
/// One writer at a time per SQLite file in this process, waited for asynchronously.
/// </summary>
/// <remarks>
/// SQLite has a single writer. When several connections write at once, all but one get
/// SQLITE_BUSY, and Microsoft.Data.Sqlite retries by sleeping on the calling thread — a grain
/// scheduler thread: under a burst of sign-ins turns blocked for over a second and throughput
/// collapsed. Both writers of the file (Orleans' grain storage and the session table's group
/// commit) queue here instead, holding no thread while they wait. Durability is unchanged: every
/// write still commits (and syncs) before it returns. Readers never wait: WAL lets them run
/// beside the writer. The gate is per file, not per silo, because the lock it mirrors is.
/// </remarks>
public sealed class SqliteWriteGate
{
    private static readonly ConcurrentDictionary<string, SqliteWriteGate> Gates = new(StringComparer.Ordinal);

    private readonly SemaphoreSlim _writer = new(1, 1);

    private SqliteWriteGate()
    {
    }

    /// <summary>The gate of the file a connection string names.</summary>
    public static SqliteWriteGate For(string connectionString)
    {
        var file = new SqliteConnectionStringBuilder(connectionString).DataSource;
        return Gates.GetOrAdd(Path.GetFullPath(file), _ => new SqliteWriteGate());
    }

    /// <summary>Waits for the turn to write; dispose the result to pass it on.</summary>
    public Task<IDisposable> EnterAsync(CancellationToken cancellationToken) => _writer.EnterAsync(cancellationToken);
}
