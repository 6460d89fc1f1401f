using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;
using Microsoft.Extensions.Logging;
using Orleans.Storage;
using SessionGrains.Audit;
using SessionGrains.Grains.BackchannelLogout;
using SessionGrains.Grains.SessionTable;
using SessionGrains.SessionTable;
using SessionGrains.Sessions;
using SessionGrains.Silo.Audit;
using SessionGrains.Silo.BackchannelLogout;
using SessionGrains.Silo.Storage;

namespace SessionGrains.Silo.SessionTable;

/// <summary>
/// The session table in a relational database, shared by every provider: reads go straight to
/// the database; writes are committed in groups (<see cref="GroupCommit{T}"/>). A provider supplies its connection.
/// </summary>
public abstract class SessionRowStore : ISessionRowStore, IAsyncDisposable
{
    /// <summary>The most rows one transaction carries.</summary>
    private const int MaxBatch = 512;

    private readonly GroupCommit<PendingWrite> _writes;

    /// <summary>A store whose writes are committed in groups.</summary>
    protected SessionRowStore(ILogger logger) => _writes = new("session", MaxBatch, CommitGroupAsync, logger);

    // Plain SQL that SQLite and PostgreSQL both take as it is: named @parameters, ON CONFLICT.
    private const string ReadSql = "SELECT Version, State FROM Sessions WHERE TenantId = @TenantId AND SessionId = @SessionId";

    private string InsertSql => field ??=
        $"INSERT INTO Sessions ({SessionColumns.Names(SessionColumns.All)}, {SessionColumns.Changed}) " +
        $"VALUES ({string.Join(", ", SessionColumns.All.Select(c => "@" + c.Name))}, {NextChangeSql}) ON CONFLICT DO NOTHING";

    // Only what can change after sign-in is rewritten; every write takes a new change number.
    private string UpdateSql => field ??=
        $"UPDATE Sessions SET {string.Join(", ", SessionColumns.All.Where(c => c.Changes).Select(c => $"{c.Name} = @{c.Name}"))}, " +
        $"{SessionColumns.Changed} = {NextChangeSql} " +
        "WHERE TenantId = @TenantId AND SessionId = @SessionId AND Version = @ExpectedVersion";

    /// <summary>The query of a shard's rows (<see cref="SessionColumns.Row"/>'s columns, in order), given @TenantId and @Shard.</summary>
    protected static readonly string ShardSql =
        $"SELECT {SessionColumns.Names(SessionColumns.Row)} FROM Sessions WHERE TenantId = @TenantId AND Shard = @Shard";

    private const string CountSql = "SELECT COUNT(*) FROM Sessions WHERE TenantId = @TenantId AND Shard = @Shard";

    private static readonly string ShardChangesSql =
        $"SELECT {SessionColumns.Names(SessionColumns.Row)} FROM Sessions " +
        $"WHERE TenantId = @TenantId AND Shard = @Shard AND {SessionColumns.Changed} >= @Since";

    /// <summary>
    /// The SQL expression of a write's change number, evaluated inside the write (with the row's
    /// parameters, @TenantId and @Shard among them): it must order the writes of a shard so that
    /// <see cref="WatermarkSql"/> can say below which number all have finished.
    /// </summary>
    protected abstract string NextChangeSql { get; }

    /// <summary>
    /// A query of one number, given @TenantId and @Shard: every write of that shard with a lower
    /// change number has finished (see <see cref="ISessionRowStore.ChangeWatermarkAsync"/>).
    /// </summary>
    protected abstract string WatermarkSql { get; }

    private const string DeleteSql = "DELETE FROM Sessions WHERE TenantId = @TenantId AND SessionId = @SessionId";

    /// <summary>A new, closed connection to the database.</summary>
    protected abstract DbConnection CreateConnection();

    /// <summary>Waits, where the database needs it, for this process's turn to write (null: no wait).</summary>
    protected virtual ValueTask<IDisposable?> EnterWriteAsync(CancellationToken cancellationToken) => ValueTask.FromResult<IDisposable?>(null);

    /// <summary>Begins the write transaction of one group.</summary>
    protected virtual ValueTask<DbTransaction> BeginWriteAsync(DbConnection connection, CancellationToken cancellationToken) =>
        connection.BeginTransactionAsync(cancellationToken);

    /// <inheritdoc/>
    public async Task<StoredSessionState?> ReadAsync(string tenantId, string sessionId, CancellationToken cancellationToken)
    {
        await using var connection = CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var command = Command(connection, ReadSql, ("TenantId", tenantId), ("SessionId", sessionId));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new StoredSessionState((byte[])reader.GetValue(1), reader.GetInt64(0))
            : null;
    }

    /// <inheritdoc/>
    public Task WriteAsync(
        SessionRecord row, long? expectedVersion, CancellationToken cancellationToken, AuditRecord? audit = null, LogoutNotice? logout = null) =>
        _writes.WriteAsync(new PendingWrite(row, expectedVersion, audit, logout), cancellationToken);

    /// <inheritdoc/>
    public virtual async IAsyncEnumerable<SessionRow> ReadShardAsync(
        string tenantId, int shard, ISessionStrings strings, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var command = Command(connection, ShardSql, ("TenantId", tenantId), ("Shard", shard));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return SessionColumns.Read(reader, strings);
        }
    }

    /// <inheritdoc/>
    public async Task<int> CountShardAsync(string tenantId, int shard, CancellationToken cancellationToken)
    {
        await using var connection = CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var command = Command(connection, CountSql, ("TenantId", tenantId), ("Shard", shard));
        return Convert.ToInt32(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <inheritdoc/>
    public async Task<long> ChangeWatermarkAsync(string tenantId, int shard, CancellationToken cancellationToken)
    {
        await using var connection = CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var command = Command(connection, WatermarkSql, ("TenantId", tenantId), ("Shard", shard));
        return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <inheritdoc/>
    public async IAsyncEnumerable<SessionRow> ReadShardChangesAsync(
        string tenantId, int shard, long since, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var command = Command(connection, ShardChangesSql, ("TenantId", tenantId), ("Shard", shard), ("Since", since));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return SessionColumns.Read(reader);
        }
    }

    /// <inheritdoc/>
    public async Task DeleteAsync(string tenantId, IReadOnlyCollection<string> sessionIds, CancellationToken cancellationToken)
    {
        using var turn = await EnterWriteAsync(cancellationToken);
        await using var connection = CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await BeginWriteAsync(connection, cancellationToken);
        foreach (var sessionId in sessionIds)
        {
            await using var command = Command(connection, DeleteSql, ("TenantId", tenantId), ("SessionId", sessionId));
            command.Transaction = transaction;
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>Stops taking writes and finishes those queued.</summary>
    public async ValueTask DisposeAsync()
    {
        await _writes.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    private async Task<IReadOnlyList<Exception?>> CommitGroupAsync(IReadOnlyList<PendingWrite> batch)
    {
        using var turn = await EnterWriteAsync(CancellationToken.None);
        await using var connection = CreateConnection();
        await connection.OpenAsync();
        await using var transaction = await BeginWriteAsync(connection, CancellationToken.None);
        // Each write's row, then the audit records and logout notices that go with some of them
        // (each inserted only if its row was written), so a row's outcome is at its own index.
        var statements = batch.Select(RowStatement).ToList();
        statements.AddRange(batch.Where(w => w.Audit is not null).Select(w => AuditStore.InsertWith(w.Audit!, w.Record.TenantId, w.Record.Row.SessionId, w.Record.Row.Version)));
        statements.AddRange(batch.Where(w => w.Logout is not null).Select(w => BackchannelOutbox.InsertWith(w.Logout!, w.Record.TenantId, w.Record.Row.SessionId, w.Record.Row.Version)));
        var stored = await SqlStatements.ExecuteAsync(connection, transaction, statements);
        await transaction.CommitAsync();
        return [.. batch.Select((write, i) => stored[i] == 1 ? null : (Exception)new InconsistentStateException(
            $"Session {write.Record.TenantId}/{write.Record.Row.SessionId} is not at version {write.Expected?.ToString() ?? "(new)"}.",
            "(unknown)", write.Expected?.ToString() ?? "(new)"))];
    }

    private SqlStatement RowStatement(PendingWrite write) => new(
        write.Expected is null ? InsertSql : UpdateSql,
        [.. SessionColumns.All.Select(c => (c.Name, c.Value(write.Record), (DbType?)c.Type)), ("ExpectedVersion", write.Expected, DbType.Int64)]);

    /// <inheritdoc cref="SqlStatements.Command(DbConnection, string, ValueTuple{string, object}[])"/>
    protected static DbCommand Command(DbConnection connection, string sql, params (string Name, object? Value)[] parameters) =>
        SqlStatements.Command(connection, sql, parameters);

    private sealed record PendingWrite(SessionRecord Record, long? Expected, AuditRecord? Audit, LogoutNotice? Logout);
}
