using System.Data.Common;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace SessionGrains.Silo.SessionTable;

/// <summary>The session table in PostgreSQL (schema: Scripts/postgres/010-session-table.sql and 011).</summary>
public sealed class PostgresSessionRowStore(string connectionString, ILogger<PostgresSessionRowStore> logger) : SessionRowStore(logger)
{
    // Statements are not prepared automatically (Max Auto Prepare): measured with bench/cluster.sh,
    // prepared statements doubled refreshes (3,573 to 7,535 per second) but cost sign-ins half
    // their rate (PostgreSQL's CPU for 16,000 sign-ins 8-10 s unprepared, 25-45 s prepared, with
    // generic plans; 9 s with custom plans forced, at about the unprepared rates). Sign-ins are
    // the target this store misses, so they win until the cause is found.
    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(connectionString);

    /// <inheritdoc/>
    /// <remarks>
    /// Transactions of several silos write at once and commit in any order, so a counter would let
    /// a reader see number 11 before 10 commits. A write is numbered by its transaction id instead,
    /// and the watermark is the oldest transaction still running: everything below it has finished.
    /// </remarks>
    protected override string NextChangeSql => "pg_current_xact_id()::text::bigint";

    /// <inheritdoc/>
    protected override string WatermarkSql => "SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint";

    /// <inheritdoc/>
    protected override DbConnection CreateConnection() => _dataSource.CreateConnection();
}
