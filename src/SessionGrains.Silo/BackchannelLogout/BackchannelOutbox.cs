using System.Data;
using System.Data.Common;
using System.Globalization;
using SessionGrains.Grains.BackchannelLogout;
using SessionGrains.Sessions;
using SessionGrains.Silo.Storage;
using SessionGrains.Tenants;

namespace SessionGrains.Silo.BackchannelLogout;

/// <summary>
/// The back-channel logout outbox in the silo's database (table <c>BackchannelOutbox</c>,
/// Storage/Scripts/*/…-backchannel-outbox.sql): one row per ended session of a client with a
/// back-channel logout URI. Rows come in with the session's end (<see cref="InsertWith"/>, in the
/// session write's own transaction) or by a logout-all (<see cref="QueueCoveredAsync"/>); delivery
/// workers on every silo claim due rows (<see cref="ClaimAsync"/>) and record how each attempt went
/// (<see cref="RecordAsync"/>, committed in groups).
/// </summary>
public sealed class BackchannelOutbox : IBackchannelOutbox, IAsyncDisposable
{
    private const string Columns = "TenantId, SessionId, ClientId, UserId, Uri, Receiver, Status, Attempts, QueuedAt, DueAt, LastAttemptAt, LastError";

    /// <summary>How many sessions one statement of a logout-all's queueing covers, so it never holds the SQLite writer long.</summary>
    private const int QueueChunk = 5_000;

    private const string InsertWithSql =
        $"INSERT INTO BackchannelOutbox ({Columns}) " +
        "SELECT @TenantId, @SessionId, @ClientId, @UserId, @Uri, @Receiver, 0, 0, @QueuedAt, @QueuedAt, NULL, NULL " +
        "WHERE EXISTS (SELECT 1 FROM Sessions WHERE TenantId = @TenantId AND SessionId = @SessionId AND Version = @RowVersion) " +
        "ON CONFLICT DO NOTHING";

    // The covered sessions of the targets' clients between two session ids, each to its client's
    // URI: LogoutAllRule.Covers in SQL (versions when both sides have one, else sign-in time
    // against the marker's). {0} is the targets, as a VALUES list.
    private const string QueueCoveredSql =
        "WITH Targets (ClientId, Uri, Receiver) AS (VALUES {0}) " +
        $"INSERT INTO BackchannelOutbox ({Columns}) " +
        "SELECT s.TenantId, s.SessionId, s.ClientId, s.UserId, t.Uri, t.Receiver, 0, 0, @QueuedAt, @QueuedAt, NULL, NULL " +
        "FROM Sessions s JOIN Targets t ON t.ClientId = s.ClientId " +
        "WHERE s.TenantId = @TenantId AND s.SessionId > @After AND (@Upto IS NULL OR s.SessionId <= @Upto) AND s.Status = @Active " +
        "AND ((@MarkerVersion > 0 AND s.TenantVersion > 0 AND s.TenantVersion < @MarkerVersion) " +
        "OR ((@MarkerVersion = 0 OR s.TenantVersion = 0) AND s.CreatedAt < @NotBefore)) " +
        "ON CONFLICT DO NOTHING";

    /// <summary>The most clients one queueing statement names.</summary>
    private const int TargetChunk = 100;

    private const string ChunkEndSql =
        "SELECT SessionId FROM Sessions WHERE TenantId = @TenantId AND SessionId > @After ORDER BY SessionId LIMIT 1 OFFSET @Skip";

    // The receivers with a due notice, by a loose index scan of (Status, Receiver, DueAt): one
    // index seek per receiver, whatever number of notices each holds, so a receiver with a million
    // waiting costs what one with ten does.
    private const string DueReceiversSql =
        "WITH RECURSIVE r (Receiver) AS (" +
        "SELECT (SELECT MIN(Receiver) FROM BackchannelOutbox WHERE Status = 0 AND Receiver > @After) " +
        "UNION ALL SELECT (SELECT MIN(o.Receiver) FROM BackchannelOutbox o WHERE o.Status = 0 AND o.Receiver > r.Receiver) " +
        "FROM r WHERE r.Receiver IS NOT NULL) " +
        "SELECT Receiver FROM r WHERE Receiver IS NOT NULL " +
        "AND (SELECT MIN(d.DueAt) FROM BackchannelOutbox d WHERE d.Status = 0 AND d.Receiver = r.Receiver) <= @Now LIMIT @Limit";

    private const string Returned = "TenantId, SessionId, ClientId, UserId, Uri, Receiver, Attempts, QueuedAt";

    // Claiming moves a row's DueAt one lease ahead: nobody else takes it meanwhile, and if this
    // silo dies before recording the attempt, the row is due again when the lease runs out.
    private const string SqliteClaimSql =
        "UPDATE BackchannelOutbox SET DueAt = @LeaseUntil WHERE rowid IN " +
        "(SELECT rowid FROM BackchannelOutbox WHERE Status = 0 AND Receiver = @Receiver AND DueAt <= @Now ORDER BY DueAt LIMIT @Limit) " +
        $"RETURNING {Returned}";

    private const string PostgresClaimSql =
        "UPDATE BackchannelOutbox o SET DueAt = @LeaseUntil FROM " +
        "(SELECT TenantId, SessionId FROM BackchannelOutbox WHERE Status = 0 AND Receiver = @Receiver AND DueAt <= @Now " +
        "ORDER BY DueAt LIMIT @Limit FOR UPDATE SKIP LOCKED) c " +
        "WHERE o.TenantId = c.TenantId AND o.SessionId = c.SessionId " +
        "RETURNING o.TenantId, o.SessionId, o.ClientId, o.UserId, o.Uri, o.Receiver, o.Attempts, o.QueuedAt";

    private const string RecordSql =
        "UPDATE BackchannelOutbox SET Status = @Status, Attempts = Attempts + 1, LastAttemptAt = @At, LastError = @Error, DueAt = @DueAt " +
        "WHERE TenantId = @TenantId AND SessionId = @SessionId";

    private const string StateSql =
        "SELECT Status, Attempts, LastAttemptAt, LastError FROM BackchannelOutbox WHERE TenantId = @TenantId AND SessionId = @SessionId";

    private const string CountsSql =
        "SELECT Status, COUNT(*) FROM BackchannelOutbox WHERE TenantId = @TenantId AND ClientId = @ClientId GROUP BY Status";

    private const string PurgeSql =
        "DELETE FROM BackchannelOutbox WHERE (TenantId, SessionId) IN (SELECT TenantId, SessionId FROM BackchannelOutbox " +
        "WHERE Status <> 0 AND LastAttemptAt < @Before LIMIT @Chunk)";

    private const int PurgeChunk = 5_000;

    /// <summary>The most outcomes one transaction records.</summary>
    private const int MaxGroup = 512;

    private readonly StorageProvider _provider;
    private readonly string _connectionString;
    private readonly TimeProvider _time;
    private readonly GroupCommit<DeliveryOutcome> _outcomes;

    /// <summary>The outbox in the database <paramref name="connectionString"/> names.</summary>
    public BackchannelOutbox(StorageProvider provider, string connectionString, TimeProvider time, ILogger<BackchannelOutbox> logger)
    {
        _provider = provider;
        _connectionString = connectionString;
        _time = time;
        _outcomes = new("backchannel logout outcome", MaxGroup, CommitOutcomesAsync, logger);
    }

    /// <summary>
    /// The insert of <paramref name="notice"/> for the session (<paramref name="tenantId"/>,
    /// <paramref name="sessionId"/>) that takes effect only where that session's row is at
    /// <paramref name="version"/>: run after the row's write in the same transaction, the notice is
    /// stored exactly when the end is. A session has one notice: a second is dropped.
    /// </summary>
    public static SqlStatement InsertWith(LogoutNotice notice, string tenantId, string sessionId, long version) => new(InsertWithSql,
    [
        ("TenantId", tenantId, DbType.String), ("SessionId", sessionId, DbType.String), ("ClientId", notice.ClientId, DbType.String),
        ("UserId", notice.UserId, DbType.String), ("Uri", notice.Uri, DbType.String), ("Receiver", ReceiverOf(notice.Uri), DbType.String),
        ("QueuedAt", notice.QueuedAt.ToUnixTimeMilliseconds(), DbType.Int64), ("RowVersion", version, DbType.Int64),
    ]);

    /// <summary>The receiver a URI is delivered to, for concurrency per receiver: its scheme, host and port.</summary>
    public static string ReceiverOf(string uri) =>
        Uri.TryCreate(uri, UriKind.Absolute, out var parsed) ? parsed.GetLeftPart(UriPartial.Authority).ToLowerInvariant() : uri;

    /// <inheritdoc/>
    public async Task<int> QueueCoveredAsync(string tenantId, LogoutAllMarker marker, IReadOnlyList<LogoutTarget> targets, CancellationToken cancellationToken)
    {
        var queued = 0;
        foreach (var chunk in targets.Chunk(TargetChunk))
        {
            var values = string.Join(", ", chunk.Select((_, i) => $"(@C{i}, @U{i}, @R{i})"));
            var sql = string.Format(CultureInfo.InvariantCulture, QueueCoveredSql, values);
            var named = chunk.SelectMany((t, i) => new (string, object?, DbType?)[]
            {
                ($"C{i}", t.ClientId, DbType.String), ($"U{i}", t.Uri, DbType.String), ($"R{i}", ReceiverOf(t.Uri), DbType.String),
            }).ToArray();
            var after = "";
            while (true)
            {
                // A chunk of session ids at a time, so no statement holds the SQLite writer long.
                var upto = await ChunkEndAsync(tenantId, after, cancellationToken);
                using (await _provider.EnterWriteAsync(_connectionString, cancellationToken))
                {
                    await using var connection = _provider.CreateConnection(_connectionString);
                    await connection.OpenAsync(cancellationToken);
                    await using var command = Typed(connection, sql,
                    [
                        .. named,
                        ("TenantId", tenantId, DbType.String), ("After", after, DbType.String), ("Upto", upto, DbType.String),
                        ("Active", (int)SessionStatus.Active, DbType.Int32), ("MarkerVersion", marker.Version, DbType.Int64),
                        ("NotBefore", marker.NotBefore.ToUnixTimeMilliseconds(), DbType.Int64),
                        ("QueuedAt", _time.GetUtcNow().ToUnixTimeMilliseconds(), DbType.Int64),
                    ]);
                    queued += await command.ExecuteNonQueryAsync(cancellationToken);
                }

                if (upto is null)
                {
                    break;
                }

                after = upto;
            }
        }

        return queued;
    }

    /// <summary>
    /// Up to <paramref name="limit"/> receivers after <paramref name="after"/> (in their order; ""
    /// for the first) with a notice due at <paramref name="now"/>: a read, so an idle worker never
    /// takes the writer.
    /// </summary>
    public async Task<IReadOnlyList<string>> DueReceiversAsync(DateTimeOffset now, string after, int limit, CancellationToken cancellationToken)
    {
        await using var connection = _provider.CreateConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = Typed(connection, DueReceiversSql,
            ("Now", now.ToUnixTimeMilliseconds(), DbType.Int64), ("After", after, DbType.String), ("Limit", limit, DbType.Int32));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var receivers = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            receivers.Add(reader.GetString(0));
        }

        return receivers;
    }

    /// <summary>Takes up to <paramref name="limit"/> of <paramref name="receiver"/>'s due notices, oldest due first, until <paramref name="leaseUntil"/>.</summary>
    public async Task<IReadOnlyList<OutboxEntry>> ClaimAsync(
        DateTimeOffset now, DateTimeOffset leaseUntil, string receiver, int limit, CancellationToken cancellationToken)
    {
        var claimed = new List<OutboxEntry>(limit);
        using (await _provider.EnterWriteAsync(_connectionString, cancellationToken))
        {
            await using var connection = _provider.CreateConnection(_connectionString);
            await connection.OpenAsync(cancellationToken);
            await using var command = Typed(connection, _provider is PostgresStorage ? PostgresClaimSql : SqliteClaimSql,
                ("Now", now.ToUnixTimeMilliseconds(), DbType.Int64), ("LeaseUntil", leaseUntil.ToUnixTimeMilliseconds(), DbType.Int64),
                ("Receiver", receiver, DbType.String), ("Limit", limit, DbType.Int32));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                claimed.Add(new OutboxEntry(
                    reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                    reader.GetString(5), reader.GetInt32(6), DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(7))));
            }
        }

        return claimed;
    }

    /// <summary>Records how an attempt went; completes once it is committed (with others, in one transaction).</summary>
    public Task RecordAsync(DeliveryOutcome outcome, CancellationToken cancellationToken) => _outcomes.WriteAsync(outcome, cancellationToken);

    /// <summary>The delivery state of one session's notice; null when its end left none.</summary>
    public async Task<DeliveryState?> StateAsync(string tenantId, string sessionId, CancellationToken cancellationToken)
    {
        await using var connection = _provider.CreateConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = Typed(connection, StateSql, ("TenantId", tenantId, DbType.String), ("SessionId", sessionId, DbType.String));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new DeliveryState(
            (DeliveryStatus)reader.GetInt32(0), reader.GetInt32(1),
            reader.IsDBNull(2) ? null : DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(2)),
            reader.IsDBNull(3) ? null : reader.GetString(3));
    }

    /// <summary>One client's notices by status.</summary>
    public async Task<DeliveryCounts> CountsAsync(string tenantId, string clientId, CancellationToken cancellationToken)
    {
        await using var connection = _provider.CreateConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = Typed(connection, CountsSql, ("TenantId", tenantId, DbType.String), ("ClientId", clientId, DbType.String));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        long pending = 0, delivered = 0, failed = 0;
        while (await reader.ReadAsync(cancellationToken))
        {
            var count = reader.GetInt64(1);
            switch ((DeliveryStatus)reader.GetInt32(0))
            {
                case DeliveryStatus.Pending: pending = count; break;
                case DeliveryStatus.Delivered: delivered = count; break;
                case DeliveryStatus.Failed: failed = count; break;
            }
        }

        return new DeliveryCounts(pending, delivered, failed);
    }

    /// <summary>Deletes delivered and failed rows last attempted before <paramref name="before"/>, a chunk at a time; says how many.</summary>
    public Task<long> PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken) => ChunkedDelete.RunAsync(
        _provider, _connectionString,
        new SqlStatement(PurgeSql, [("Before", before.ToUnixTimeMilliseconds(), DbType.Int64), ("Chunk", PurgeChunk, DbType.Int32)]),
        PurgeChunk, cancellationToken);

    /// <summary>Stops taking outcomes and commits those queued.</summary>
    public ValueTask DisposeAsync() => _outcomes.DisposeAsync();

    private async Task<string?> ChunkEndAsync(string tenantId, string after, CancellationToken cancellationToken)
    {
        await using var connection = _provider.CreateConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = Typed(connection, ChunkEndSql,
            ("TenantId", tenantId, DbType.String), ("After", after, DbType.String), ("Skip", QueueChunk - 1, DbType.Int32));
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    private async Task<IReadOnlyList<Exception?>> CommitOutcomesAsync(IReadOnlyList<DeliveryOutcome> outcomes)
    {
        using var turn = await _provider.EnterWriteAsync(_connectionString, CancellationToken.None);
        await using var connection = _provider.CreateConnection(_connectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await SqlStatements.ExecuteAsync(connection, transaction, [.. outcomes.Select(Record)]);
        await transaction.CommitAsync();
        return new Exception?[outcomes.Count];
    }

    private static SqlStatement Record(DeliveryOutcome o) => new(RecordSql,
    [
        ("Status", (int)(o.Delivered ? DeliveryStatus.Delivered : o.RetryAt is null ? DeliveryStatus.Failed : DeliveryStatus.Pending), DbType.Int32),
        ("At", o.At.ToUnixTimeMilliseconds(), DbType.Int64), ("Error", o.Error, DbType.String),
        ("DueAt", (o.RetryAt ?? o.At).ToUnixTimeMilliseconds(), DbType.Int64),
        ("TenantId", o.TenantId, DbType.String), ("SessionId", o.SessionId, DbType.String),
    ]);

    private static DbCommand Typed(DbConnection connection, string sql, params (string Name, object? Value, DbType? Type)[] parameters) =>
        SqlStatements.Command(connection, new SqlStatement(sql, parameters));
}
