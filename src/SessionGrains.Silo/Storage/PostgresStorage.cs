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
    public override DbConnection CreateConnection(string connectionString) => new NpgsqlConnection(connectionString);
}
