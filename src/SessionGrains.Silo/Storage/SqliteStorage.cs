using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace SessionGrains.Silo.Storage;

/// <summary>
/// The embedded database of a single silo: one SQLite file in WAL mode, served to Orleans by
/// Microsoft.Data.Sqlite under the invariant Orleans knows SQLite by.
/// </summary>
public sealed class SqliteStorage : StorageProvider
{
    /// <inheritdoc/>
    public override string Invariant => "System.Data.SQLite";

    /// <inheritdoc/>
    public override bool HostsClustering => false;

    /// <inheritdoc/>
    public override async Task ApplySchemaAsync(string connectionString, CancellationToken cancellationToken)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (builder.DataSource is { Length: > 0 } file && file != ":memory:"
            && Path.GetDirectoryName(Path.GetFullPath(file)) is { } directory)
        {
            Directory.CreateDirectory(directory);
        }

        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        foreach (var script in Scripts("sqlite"))
        {
            await using var command = connection.CreateCommand();
            command.CommandText = script;
            try
            {
                await command.ExecuteNonQueryAsync(cancellationToken);
            }
            catch (SqliteException ex) when (IsColumnAlreadyAdded(ex))
            {
                // SQLite has no ADD COLUMN IF NOT EXISTS: a script that adds a column is that one
                // statement alone, and finding the column there means it was applied before.
            }
        }
    }

    private static bool IsColumnAlreadyAdded(SqliteException ex) =>
        ex.SqliteErrorCode == 1 && ex.Message.Contains("duplicate column name", StringComparison.Ordinal);

    /// <inheritdoc/>
    public override SessionTable.SessionRowStore CreateSessionRowStore(string connectionString, ILoggerFactory loggers) =>
        new SessionTable.SqliteSessionRowStore(connectionString, loggers.CreateLogger<SessionTable.SqliteSessionRowStore>());

    /// <inheritdoc/>
    public override DbConnection CreateConnection(string connectionString) => new SqliteConnection(connectionString);

    /// <inheritdoc/>
    /// <remarks>Every writer of the file queues at its <see cref="SqliteWriteGate"/>.</remarks>
    public override async ValueTask<IDisposable?> EnterWriteAsync(string connectionString, CancellationToken cancellationToken) =>
        await SqliteWriteGate.For(connectionString).EnterAsync(cancellationToken);
}
