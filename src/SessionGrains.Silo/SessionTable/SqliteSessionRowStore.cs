using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using SessionGrains.Silo.Storage;

namespace SessionGrains.Silo.SessionTable;

/// <summary>The session table in SQLite (schema: Scripts/sqlite/003-session-table.sql).</summary>
public sealed class SqliteSessionRowStore(string connectionString, ILogger<SqliteSessionRowStore> logger) : SessionRowStore(logger)
{
    private readonly SqliteWriteGate _gate = SqliteWriteGate.For(connectionString);

    /// <inheritdoc/>
    protected override DbConnection CreateConnection() => new SqliteConnection(connectionString);

    /// <inheritdoc/>
    protected override async ValueTask<IDisposable?> EnterWriteAsync(CancellationToken cancellationToken) =>
        await _gate.EnterAsync(cancellationToken);
}
