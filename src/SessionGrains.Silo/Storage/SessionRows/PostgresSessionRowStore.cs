using System.Data.Common;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace SessionGrains.Silo.Storage.SessionRows;

/// <summary>The session table in PostgreSQL (schema: Scripts/postgres/010-session-table.sql).</summary>
public sealed class PostgresSessionRowStore(string connectionString, ILogger<PostgresSessionRowStore> logger) : SessionRowStore(logger)
{
    private const string Columns =
        "TenantId, SessionId, Shard, Version, UserId, UserEmail, SessionName, Kind, ApiKeyName, ClientId, ClientType, " +
        "IdentityProvider, IpAddress, UserAgent, MicrotenantId, Status, CreatedAt, LastActivity, ExpiresAt, " +
        "IdleTimeoutSeconds, EndedAt, EndReason, State";

    private readonly NpgsqlDataSource _dataSource = NpgsqlDataSource.Create(connectionString);

    /// <inheritdoc/>
    protected override DbConnection CreateConnection() => _dataSource.CreateConnection();

    /// <inheritdoc/>
    protected override string ReadSql => "SELECT Version, State FROM Sessions WHERE TenantId = @TenantId AND SessionId = @SessionId";

    /// <inheritdoc/>
    protected override string InsertSql =>
        $"INSERT INTO Sessions ({Columns}) VALUES (@{Columns.Replace(", ", ", @")}) ON CONFLICT DO NOTHING";

    /// <inheritdoc/>
    protected override string UpdateSql => """
        UPDATE Sessions SET Version = @Version, UserEmail = @UserEmail, SessionName = @SessionName, Status = @Status,
            LastActivity = @LastActivity, EndedAt = @EndedAt, EndReason = @EndReason, State = @State
        WHERE TenantId = @TenantId AND SessionId = @SessionId AND Version = @ExpectedVersion
        """;

    /// <inheritdoc/>
    protected override string ShardSql => $"SELECT {SummaryColumns} FROM Sessions WHERE TenantId = @TenantId AND Shard = @Shard";

    /// <inheritdoc/>
    protected override string DeleteSql => "DELETE FROM Sessions WHERE TenantId = @TenantId AND SessionId = @SessionId";
}
