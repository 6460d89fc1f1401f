using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using SessionGrains.Grains.SessionTable;
using SessionGrains.SessionTable;
using SessionGrains.Silo.Storage;

namespace SessionGrains.Silo.SessionTable;

/// <summary>The session table in SQLite (schema: Scripts/sqlite/003-session-table.sql, 004 and 005).</summary>
public sealed class SqliteSessionRowStore(string connectionString, ILogger<SqliteSessionRowStore> logger) : SessionRowStore(logger)
{
    private readonly SqliteWriteGate _gate = SqliteWriteGate.For(connectionString);

    /// <inheritdoc/>
    /// <remarks>
    /// SQLite has one writer at a time (and the write gate in front of it), so numbering each write
    /// one past the highest of its shard orders the numbers as the commits: the highest a reader
    /// sees is committed, and so is everything below it. The shard's change index finds the highest.
    /// </remarks>
    protected override string NextChangeSql =>
        "(SELECT COALESCE(MAX(Changed), 0) + 1 FROM Sessions WHERE TenantId = @TenantId AND Shard = @Shard)";

    /// <inheritdoc/>
    protected override string WatermarkSql =>
        "SELECT COALESCE(MAX(Changed), 0) + 1 FROM Sessions WHERE TenantId = @TenantId AND Shard = @Shard";

    /// <inheritdoc/>
    protected override DbConnection CreateConnection() => new SqliteConnection(connectionString);

    /// <inheritdoc/>
    /// <remarks>
    /// Through <see cref="SqliteShardReader"/> rather than a data reader. SQLite reads are
    /// synchronous whatever the API says, so the rows come without awaiting between them.
    /// </remarks>
    public override async IAsyncEnumerable<SessionRow> ReadShardAsync(
        string tenantId, int shard, ISessionStrings strings, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        using var reader = new SqliteShardReader(connection, ShardSql, tenantId, shard, strings);
        for (var read = 1; reader.Next() is { } row; read++)
        {
            if (read % 4096 == 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
            }

            yield return row;
        }
    }

    /// <inheritdoc/>
    protected override async ValueTask<IDisposable?> EnterWriteAsync(CancellationToken cancellationToken) =>
        await _gate.EnterAsync(cancellationToken);
}
