using System.Data;
using System.Data.Common;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text;
using Microsoft.Extensions.Logging;
using SessionGrains.Audit;
using SessionGrains.Silo.Storage;

namespace SessionGrains.Silo.Audit;

/// <summary>
/// The audit log in the silo's database (table <c>AuditLog</c>, Storage/Scripts/*/…-audit-log.sql).
/// Writes are committed in groups (<see cref="GroupCommit{T}"/>), so a burst of administrative
/// actions costs one log flush per group, and a write completes only once its group is
/// committed: a caller that waits for it before answering never answers for a record a crash
/// could lose. Reads go straight to the database, newest first by (At, AuditId).
/// </summary>
public sealed class AuditStore : IAsyncDisposable
{
    /// <summary>The log of the operator's actions outside any tenant (its saved filters, a refused tenant id).</summary>
    public const string OperatorLog = "";

    /// <summary>The most records one transaction carries.</summary>
    private const int MaxGroup = 512;

    private const string Columns =
        "AuditId, TenantId, At, ActorKeyId, ActorName, ActorRole, ActorMicrotenantId, ClientIp, Action, Target, Outcome, Details";

    private static readonly string InsertSql =
        $"INSERT INTO AuditLog ({Columns}) VALUES (@AuditId, @TenantId, @At, @ActorKeyId, @ActorName, @ActorRole, " +
        "@ActorMicrotenantId, @ClientIp, @Action, @Target, @Outcome, @Details)";

    // Deletes a bounded chunk at a time, so a purge never holds the writer for long.
    private const string PurgeSql =
        "DELETE FROM AuditLog WHERE (At, AuditId) IN (SELECT At, AuditId FROM AuditLog WHERE At < @Before ORDER BY At, AuditId LIMIT @Chunk)";

    private const int PurgeChunk = 5_000;

    private readonly StorageProvider _provider;
    private readonly string _connectionString;
    private readonly GroupCommit<AuditRecord> _writes;

    /// <summary>The log in the database <paramref name="connectionString"/> names.</summary>
    public AuditStore(StorageProvider provider, string connectionString, ILogger<AuditStore> logger)
    {
        _provider = provider;
        _connectionString = connectionString;
        _writes = new("audit", MaxGroup, CommitAsync, logger);
    }

    /// <summary>Stores <paramref name="record"/>; completes once it is committed.</summary>
    public Task WriteAsync(AuditRecord record, CancellationToken cancellationToken) => _writes.WriteAsync(record, cancellationToken);

    /// <summary>One page of the records <paramref name="query"/> selects, with the exact number of all it selects.</summary>
    public async Task<AuditPage> QueryAsync(AuditQuery query, CancellationToken cancellationToken)
    {
        await using var connection = _provider.CreateConnection(_connectionString);
        await connection.OpenAsync(cancellationToken);
        long total;
        await using (var count = Select(connection, "COUNT(*)", query with { After = null }, paged: false))
        {
            total = Convert.ToInt64(await count.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        }

        var items = new List<AuditRecord>(Math.Min(query.Take, 512));
        await using (var select = Select(connection, Columns, query, paged: true))
        await using (var reader = await select.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                items.Add(Read(reader));
            }
        }

        var more = items.Count == query.Take && query.Skip + items.Count < total;
        return new AuditPage(items, total, more ? new AuditPosition(items[^1].At, items[^1].AuditId) : null);
    }

    /// <summary>
    /// Every record <paramref name="query"/> selects, newest first, read in keyset pages of
    /// <see cref="AuditQuery.Take"/>: memory holds one page whatever the log's size, and no read
    /// stays open while the caller writes out what it got.
    /// </summary>
    public async IAsyncEnumerable<AuditRecord> ReadAllAsync(AuditQuery query, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var page = query with { Skip = 0 };
        while (true)
        {
            var records = new List<AuditRecord>(page.Take);
            await using (var connection = _provider.CreateConnection(_connectionString))
            {
                await connection.OpenAsync(cancellationToken);
                await using var select = Select(connection, Columns, page, paged: true);
                await using var reader = await select.ExecuteReaderAsync(cancellationToken);
                while (await reader.ReadAsync(cancellationToken))
                {
                    records.Add(Read(reader));
                }
            }

            foreach (var record in records)
            {
                yield return record;
            }

            if (records.Count < page.Take)
            {
                yield break;
            }

            page = page with { After = new AuditPosition(records[^1].At, records[^1].AuditId) };
        }
    }

    /// <summary>Deletes every record older than <paramref name="before"/>, a chunk at a time; says how many.</summary>
    public Task<long> PurgeAsync(DateTimeOffset before, CancellationToken cancellationToken) => ChunkedDelete.RunAsync(
        _provider, _connectionString,
        new SqlStatement(PurgeSql, [("Before", before.ToUnixTimeMilliseconds(), DbType.Int64), ("Chunk", PurgeChunk, DbType.Int32)]),
        PurgeChunk, cancellationToken);

    /// <summary>Stops taking writes and finishes those queued.</summary>
    public ValueTask DisposeAsync() => _writes.DisposeAsync();

    private async Task<IReadOnlyList<Exception?>> CommitAsync(IReadOnlyList<AuditRecord> records)
    {
        using var turn = await _provider.EnterWriteAsync(_connectionString, CancellationToken.None);
        await using var connection = _provider.CreateConnection(_connectionString);
        await connection.OpenAsync();
        await using var transaction = await connection.BeginTransactionAsync();
        await SqlStatements.ExecuteAsync(connection, transaction, [.. records.Select(Insert)]);
        await transaction.CommitAsync();
        return new Exception?[records.Count];
    }

    /// <summary>
    /// The insert of <paramref name="record"/> that takes effect only where the session row
    /// (<paramref name="tenantId"/>, <paramref name="sessionId"/>) is at <paramref name="version"/>:
    /// run after that row's write in the same transaction, it records the change exactly when the
    /// change was stored (a version conflict stores neither).
    /// </summary>
    public static SqlStatement InsertWith(AuditRecord record, string tenantId, string sessionId, long version)
    {
        var insert = Insert(record);
        return new(
            $"INSERT INTO AuditLog ({Columns}) SELECT {string.Join(", ", insert.Parameters.Select(p => "@" + p.Name))} " +
            "WHERE EXISTS (SELECT 1 FROM Sessions WHERE TenantId = @RowTenantId AND SessionId = @RowSessionId AND Version = @RowVersion)",
            [.. insert.Parameters, ("RowTenantId", tenantId, DbType.String), ("RowSessionId", sessionId, DbType.String), ("RowVersion", version, DbType.Int64)]);
    }

    private static SqlStatement Insert(AuditRecord r) => new(InsertSql,
    [
        ("AuditId", r.AuditId, DbType.String), ("TenantId", r.TenantId, DbType.String), ("At", r.At.ToUnixTimeMilliseconds(), DbType.Int64),
        ("ActorKeyId", r.ActorKeyId, DbType.String), ("ActorName", r.ActorName, DbType.String), ("ActorRole", r.ActorRole, DbType.String),
        ("ActorMicrotenantId", r.ActorMicrotenantId, DbType.String), ("ClientIp", r.ClientIp, DbType.String), ("Action", r.Action, DbType.String),
        ("Target", r.Target, DbType.String), ("Outcome", r.Outcome, DbType.String), ("Details", r.Details, DbType.String),
    ]);

    /// <summary>The query's SELECT of <paramref name="what"/>: its filters, and with <paramref name="paged"/> its order, position and page.</summary>
    private static DbCommand Select(DbConnection connection, string what, AuditQuery q, bool paged)
    {
        var where = new StringBuilder();
        var parameters = new List<(string, object?)>();
        void Filter(string clause, string name, object? value)
        {
            if (value is not null)
            {
                where.Append(where.Length == 0 ? " WHERE " : " AND ").Append(clause);
                parameters.Add((name, value));
            }
        }

        Filter("TenantId = @TenantId", "TenantId", q.TenantId);
        Filter("At >= @From", "From", q.From?.ToUnixTimeMilliseconds());
        Filter("At <= @To", "To", q.To?.ToUnixTimeMilliseconds());
        Filter("Action = @Action", "Action", q.Action);
        Filter("ActorKeyId = @Actor", "Actor", q.ActorKeyId);
        Filter("Outcome = @Outcome", "Outcome", q.Outcome);
        Filter("ActorMicrotenantId = @Scope", "Scope", q.ActorMicrotenantId);
        if (q.After is { } after)
        {
            Filter("(At < @AfterAt OR (At = @AfterAt AND AuditId < @AfterId))", "AfterAt", after.At.ToUnixTimeMilliseconds());
            parameters.Add(("AfterId", after.AuditId));
        }

        var sql = $"SELECT {what} FROM AuditLog{where}";
        if (paged)
        {
            sql += " ORDER BY At DESC, AuditId DESC LIMIT @Take OFFSET @Skip";
            parameters.Add(("Take", q.Take));
            parameters.Add(("Skip", q.After is null ? q.Skip : 0));
        }

        return SqlStatements.Command(connection, sql, [.. parameters]);
    }

    private static AuditRecord Read(DbDataReader r) => new(
        r.GetString(0), r.GetString(1), DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(2)), r.GetString(3), Text(r, 4), r.GetString(5),
        Text(r, 6), Text(r, 7), r.GetString(8), Text(r, 9), r.GetString(10), r.GetString(11));

    private static string? Text(DbDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);
}
