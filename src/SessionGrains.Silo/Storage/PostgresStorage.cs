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

    /// <inheritdoc/>
    public override async Task ApplySchemaAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        foreach (var script in Scripts("postgres"))
        {
            await using var command = new NpgsqlCommand(script, connection);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    /// <inheritdoc/>
    public override SessionRows.SessionRowStore CreateSessionRowStore(string connectionString, ILoggerFactory loggers) =>
        new SessionRows.PostgresSessionRowStore(connectionString, loggers.CreateLogger<SessionRows.PostgresSessionRowStore>());

    /// <inheritdoc/>
    public override async Task PingAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand("SELECT 1", connection);
        await command.ExecuteScalarAsync(cancellationToken);
    }
}
