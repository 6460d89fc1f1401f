using System.Data;
using System.Data.Common;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Orleans.Storage;
using SessionGrains.Grains.SessionTable;
using SessionGrains.SessionTable;
using SessionGrains.Sessions;

namespace SessionGrains.Silo.SessionTable;

/// <summary>
/// The session table in a relational database, shared by every provider: reads go straight to
/// the database; writes are queued and committed in groups, one transaction (one log flush)
/// for as many as arrived meanwhile, so throughput grows with concurrency instead of being
/// bounded by one flush per session. A provider supplies its connection.
/// </summary>
public abstract partial class SessionRowStore : ISessionRowStore, IAsyncDisposable
{
    /// <summary>The most rows one transaction carries.</summary>
    private const int MaxBatch = 512;

    private readonly Channel<PendingWrite> _writes = Channel.CreateUnbounded<PendingWrite>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stopping = new();
    private readonly ILogger _logger;
    private readonly Task _writer;

    /// <summary>Starts the writer loop.</summary>
    protected SessionRowStore(ILogger logger)
    {
        _logger = logger;
        _writer = Task.Run(WriteLoopAsync);
    }

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
    public Task WriteAsync(SessionRecord row, long? expectedVersion, CancellationToken cancellationToken)
    {
        var pending = new PendingWrite(row, expectedVersion);
        if (!_writes.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(nameof(SessionRowStore));
        }

        return pending.Done.Task.WaitAsync(cancellationToken);
    }

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
        _writes.Writer.TryComplete();
        await _writer;
        _stopping.Dispose();
        GC.SuppressFinalize(this);
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<PendingWrite>(MaxBatch);
        while (await _writes.Reader.WaitToReadAsync())
        {
            while (batch.Count < MaxBatch && _writes.Reader.TryRead(out var next))
            {
                batch.Add(next);
            }

            try
            {
                await CommitGroupAsync(batch);
            }
            catch (Exception ex)
            {
                // The transaction rolled back: none of the group is stored, and each caller hears so.
                LogGroupFailed(ex, batch.Count);
                foreach (var write in batch)
                {
                    write.Done.TrySetException(ex);
                }
            }

            batch.Clear();
        }
    }

    private async Task CommitGroupAsync(List<PendingWrite> batch)
    {
        using var turn = await EnterWriteAsync(CancellationToken.None);
        await using var connection = CreateConnection();
        await connection.OpenAsync();
        await using var transaction = await BeginWriteAsync(connection, CancellationToken.None);
        var stored = connection.CanCreateBatch
            ? await ExecuteAsBatchAsync(connection, transaction, batch)
            : await ExecuteOneByOneAsync(connection, transaction, batch);
        await transaction.CommitAsync();
        for (var i = 0; i < batch.Count; i++)
        {
            var write = batch[i];
            if (stored[i])
            {
                write.Done.TrySetResult();
            }
            else
            {
                write.Done.TrySetException(new InconsistentStateException(
                    $"Session {write.Record.TenantId}/{write.Record.Row.SessionId} is not at version {write.Expected?.ToString() ?? "(new)"}.",
                    "(unknown)", write.Expected?.ToString() ?? "(new)"));
            }
        }
    }

    /// <summary>
    /// The group's statements in one round trip (PostgreSQL): a row at a time, the writer waits a
    /// round trip per row, and that wait, not the commit, bounded a silo's durable sign-ins.
    /// </summary>
    private async Task<bool[]> ExecuteAsBatchAsync(DbConnection connection, DbTransaction transaction, List<PendingWrite> batch)
    {
        await using var commands = connection.CreateBatch();
        commands.Transaction = transaction;
        foreach (var write in batch)
        {
            var command = commands.CreateBatchCommand();
            command.CommandText = RowSql(write);
            Bind(command.Parameters, command.CreateParameter, RowParameters(write));
            commands.BatchCommands.Add(command);
        }

        await commands.ExecuteNonQueryAsync();
        return [.. commands.BatchCommands.Select(c => c.RecordsAffected == 1)];
    }

    /// <summary>The group's statements one after another, on a database without batches (SQLite, in process).</summary>
    private async Task<bool[]> ExecuteOneByOneAsync(DbConnection connection, DbTransaction transaction, List<PendingWrite> batch)
    {
        var stored = new bool[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            var write = batch[i];
            await using var command = connection.CreateCommand();
            command.CommandText = RowSql(write);
            Bind(command.Parameters, command.CreateParameter, RowParameters(write));
            command.Transaction = transaction;
            stored[i] = await command.ExecuteNonQueryAsync() == 1;
        }

        return stored;
    }

    private string RowSql(PendingWrite write) => write.Expected is null ? InsertSql : UpdateSql;

    private static (string Name, object? Value, DbType? Type)[] RowParameters(PendingWrite write) =>
        [.. SessionColumns.All.Select(c => (c.Name, c.Value(write.Record), (DbType?)c.Type)), ("ExpectedVersion", write.Expected, DbType.Int64)];

    /// <summary>A command with named parameters (nulls as DBNull).</summary>
    protected static DbCommand Command(DbConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        Bind(command.Parameters, command.CreateParameter, parameters.Select(p => (p.Name, p.Value, (DbType?)null)));
        return command;
    }

    /// <summary>Adds named parameters (nulls as DBNull), of the given types where one is given.</summary>
    private static void Bind(DbParameterCollection target, Func<DbParameter> create, IEnumerable<(string Name, object? Value, DbType? Type)> parameters)
    {
        foreach (var (name, value, type) in parameters)
        {
            var parameter = create();
            parameter.ParameterName = name;
            if (type is { } known)
            {
                parameter.DbType = known;
            }

            parameter.Value = value ?? DBNull.Value;
            target.Add(parameter);
        }
    }

    private sealed record PendingWrite(SessionRecord Record, long? Expected)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    [LoggerMessage(LogLevel.Error, "A group of {Count} session writes failed and was rolled back.")]
    private partial void LogGroupFailed(Exception ex, int count);
}
