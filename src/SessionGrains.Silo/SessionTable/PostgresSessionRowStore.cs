using System.Data.Common;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace SessionGrains.Silo.SessionTable;

/// <summary>The session table in PostgreSQL (schema: Scripts/postgres/010-session-table.sql).</summary>
public sealed class PostgresSessionRowStore(string connectionString, ILogger<PostgresSessionRowStore> logger) : SessionRowStore(logger)
{
    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(connectionString);

    /// <inheritdoc/>
    protected override DbConnection CreateConnection() => _dataSource.CreateConnection();
}
