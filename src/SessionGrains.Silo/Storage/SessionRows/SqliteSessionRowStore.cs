using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace SessionGrains.Silo.Storage.SessionRows;

/// <summary>The session table in SQLite (schema: Scripts/sqlite/003-session-table.sql).</summary>
public sealed class SqliteSessionRowStore(string connectionString, ILogger<SqliteSessionRowStore> logger) : SessionRowStore(logger)
{
    private const string Columns =
        "TenantId, SessionId, Shard, Version, UserId, UserEmail, SessionName, Kind, ApiKeyName, ClientId, ClientType, " +
        "IdentityProvider, IpAddress, UserAgent, MicrotenantId, Status, CreatedAt, LastActivity, ExpiresAt, " +
        "IdleTimeoutSeconds, EndedAt, EndReason, State";

    /// <inheritdoc/>
    protected override DbConnection CreateConnection() => new SqliteConnection(connectionString);

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
