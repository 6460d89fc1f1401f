using System.Data.Common;
using Npgsql;

namespace SessionGrains.Silo.Storage;

/// <summary>
/// PostgreSQL for clusters: membership, grain state and reminders through Orleans' ADO.NET
/// providers (invariant <c>Npgsql</c>).
/// </summary>
public sealed class PostgresStorage : StorageProvider
{
    /// <inheritdoc/>
    public override string Invariant => "Npgsql";

    /// <inheritdoc/>
    public override bool HostsClustering => true;

    /// <summary>
    /// The advisory lock key every silo takes while it applies the schema ("SGSCHEMA" in ASCII);
    /// any other user of the database must not take the same key.
    /// </summary>
    public const long SchemaLockKey = 0x5347_5343_4845_4D41;

    /// <inheritdoc/>
    /// <remarks>
    /// Silos of one cluster usually start together. Concurrent <c>CREATE ... IF NOT EXISTS</c> can
    /// still fail on PostgreSQL's catalog constraints, so the scripts run one silo at a time under a
    /// transaction-scoped advisory lock, and in one transaction, so a failed start leaves the schema
    /// as it was rather than half upgraded.
    /// </remarks>
    public override async Task ApplySchemaAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var @lock = new NpgsqlCommand("SELECT pg_advisory_xact_lock(@key)", connection, transaction))
        {
            @lock.Parameters.AddWithValue("key", SchemaLockKey);
            await @lock.ExecuteNonQueryAsync(cancellationToken);
        }

        foreach (var script in Scripts("postgres"))
        {
            await using var command = new NpgsqlCommand(script, connection, transaction);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
    }

    /// <inheritdoc/>
    public override SessionTable.SessionRowStore CreateSessionRowStore(string connectionString, ILoggerFactory loggers) =>
        new SessionTable.PostgresSessionRowStore(connectionString, loggers.CreateLogger<SessionTable.PostgresSessionRowStore>());

    /// <inheritdoc/>
    /// <remarks>
    /// Every statement the silo sends is one of a few fixed texts (Orleans' queries, the session
    /// table's), sent thousands of times a second; unprepared, PostgreSQL parses and plans each
    /// one again. Npgsql prepares the most used ones on each connection when asked; a connection
    /// string that sets <c>Max Auto Prepare</c> itself (0 turns it off, e.g. behind a pooler in
    /// transaction mode) is left as it is.
    /// </remarks>
    public override string ForRuntime(string connectionString)
    {
        // Npgsql's own builder knows every keyword, set or not; the plain one holds only those given.
        var given = new DbConnectionStringBuilder { ConnectionString = connectionString };
        var builder = new NpgsqlConnectionStringBuilder(connectionString);
        if (!given.ContainsKey("Max Auto Prepare") && !given.ContainsKey("MaxAutoPrepare"))
        {
            builder.MaxAutoPrepare = 64;
            builder.AutoPrepareMinUsages = 2;
        }

        return builder.ConnectionString;
    }

    /// <inheritdoc/>
    public override DbConnection CreateConnection(string connectionString) => new NpgsqlConnection(connectionString);
}
