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

    /// <summary>The columns of a summary, in the order <see cref="ReadRow"/> reads them.</summary>
    protected const string RowColumns =
        "SessionId, Version, UserId, UserEmail, SessionName, Kind, ApiKeyName, ClientId, ClientType, IdentityProvider, " +
        "IpAddress, UserAgent, MicrotenantId, Status, CreatedAt, LastActivity, ExpiresAt, IdleTimeoutSeconds, EndedAt, EndReason";

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

    private const string Columns =
        "TenantId, SessionId, Shard, Version, UserId, UserEmail, SessionName, Kind, ApiKeyName, ClientId, ClientType, " +
        "IdentityProvider, IpAddress, UserAgent, MicrotenantId, Status, CreatedAt, LastActivity, ExpiresAt, " +
        "IdleTimeoutSeconds, EndedAt, EndReason, State";

    // Plain SQL that SQLite and PostgreSQL both take as it is: named @parameters, ON CONFLICT.
    private const string ReadSql = "SELECT Version, State FROM Sessions WHERE TenantId = @TenantId AND SessionId = @SessionId";

    private static readonly string InsertSql =
        $"INSERT INTO Sessions ({Columns}) VALUES (@{Columns.Replace(", ", ", @")}) ON CONFLICT DO NOTHING";

    // Only what can change after sign-in is rewritten.
    private const string UpdateSql = """
        UPDATE Sessions SET Version = @Version, UserEmail = @UserEmail, SessionName = @SessionName, Status = @Status,
            LastActivity = @LastActivity, EndedAt = @EndedAt, EndReason = @EndReason, State = @State
        WHERE TenantId = @TenantId AND SessionId = @SessionId AND Version = @ExpectedVersion
        """;

    private const string ShardSql = $"SELECT {RowColumns} FROM Sessions WHERE TenantId = @TenantId AND Shard = @Shard";

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
    public async IAsyncEnumerable<SessionRow> ReadShardAsync(string tenantId, int shard, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var connection = CreateConnection();
        await connection.OpenAsync(cancellationToken);
        await using var command = Command(connection, ShardSql, ("TenantId", tenantId), ("Shard", shard));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            yield return ReadRow(reader);
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
        var stored = new bool[batch.Count];
        for (var i = 0; i < batch.Count; i++)
        {
            var write = batch[i];
            await using var command = RowCommand(connection, write);
            command.Transaction = transaction;
            stored[i] = await command.ExecuteNonQueryAsync() == 1;
        }

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

    private DbCommand RowCommand(DbConnection connection, PendingWrite write)
    {
        var s = write.Record.Row;
        return Command(
            connection, write.Expected is null ? InsertSql : UpdateSql,
            ("TenantId", write.Record.TenantId), ("SessionId", s.SessionId), ("Shard", write.Record.Shard), ("Version", s.Version),
            ("ExpectedVersion", write.Expected), ("UserId", s.UserId), ("UserEmail", s.UserEmail), ("SessionName", s.SessionName),
            ("Kind", (int)s.Kind), ("ApiKeyName", s.ApiKeyName), ("ClientId", s.ClientId), ("ClientType", s.ClientType),
            ("IdentityProvider", s.IdentityProvider), ("IpAddress", s.IpAddress), ("UserAgent", s.UserAgent),
            ("MicrotenantId", s.MicrotenantId), ("Status", (int)s.Status), ("CreatedAt", s.CreatedAt.ToUnixTimeMilliseconds()),
            ("LastActivity", s.LastActivity.ToUnixTimeMilliseconds()), ("ExpiresAt", s.ExpiresAt?.ToUnixTimeMilliseconds()),
            ("IdleTimeoutSeconds", s.IdleTimeoutSeconds), ("EndedAt", s.EndedAt?.ToUnixTimeMilliseconds()),
            ("EndReason", (int?)s.EndReason), ("State", write.Record.State));
    }

    /// <summary>A command with named parameters (nulls as DBNull).</summary>
    protected static DbCommand Command(DbConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            var parameter = command.CreateParameter();
            parameter.ParameterName = name;
            parameter.Value = value ?? DBNull.Value;
            command.Parameters.Add(parameter);
        }

        return command;
    }

    private static SessionRow ReadRow(DbDataReader r)
    {
        string? Text(int i) => r.IsDBNull(i) ? null : r.GetString(i);
        DateTimeOffset Time(int i) => DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(i));
        DateTimeOffset? TimeOrNull(int i) => r.IsDBNull(i) ? null : Time(i);
        return new SessionRow(
            r.GetString(0), r.GetString(2), Text(3), Text(4), (SessionKind)r.GetInt32(5), Text(6), r.GetString(7), Text(8),
            Text(9), r.GetString(10), Text(11), Text(12), (SessionStatus)r.GetInt32(13), Time(14), Time(15), TimeOrNull(16),
            r.GetInt32(17), TimeOrNull(18), r.IsDBNull(19) ? null : (EndReason)r.GetInt32(19), r.GetInt64(1));
    }

    private sealed record PendingWrite(SessionRecord Record, long? Expected)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    [LoggerMessage(LogLevel.Error, "A group of {Count} session writes failed and was rolled back.")]
    private partial void LogGroupFailed(Exception ex, int count);
}
