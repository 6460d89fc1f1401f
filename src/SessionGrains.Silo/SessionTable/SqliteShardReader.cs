using System.Text;
using Microsoft.Data.Sqlite;
using SessionGrains.Grains.SessionTable;
using SessionGrains.SessionTable;
using SessionGrains.Sessions;
using SQLitePCL;

namespace SessionGrains.Silo.SessionTable;

/// <summary>
/// Steps through a shard's rows on SQLite's own statement, reading each column where SQLite holds
/// it: numbers as numbers, text as its UTF-8 bytes, decoded into a reused buffer and looked up
/// in the shard's string pool, so a repeated value (a client id, a user agent, a user's email on
/// their hundredth session) costs no allocation. Through <see cref="SqliteDataReader"/> a load
/// of 125,000 rows spent most of its time in the reader's per-value overhead and in strings
/// made to be thrown away once pooled.
/// </summary>
/// <remarks>
/// The columns are <see cref="SessionColumns.Row"/>'s, in its order (as <see cref="SessionColumns.Read"/>
/// reads them); SessionRowStoreTests holds what this reads to what was written.
/// </remarks>
internal sealed class SqliteShardReader : IDisposable
{
    /// <summary>How often a locked database is tried again (5 ms apart) before the read fails.</summary>
    private const int BusyRetries = 2000;

    private readonly sqlite3 _database;
    private readonly sqlite3_stmt _statement;
    private readonly ISessionStrings _strings;
    private char[] _chars = new char[512];

    /// <summary>Prepares <paramref name="sql"/> (with @TenantId and @Shard) on an open connection.</summary>
    public SqliteShardReader(SqliteConnection connection, string sql, string tenantId, int shard, ISessionStrings strings)
    {
        _database = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        _strings = strings;
        Check(raw.sqlite3_prepare_v2(_database, sql, out _statement));
        Check(raw.sqlite3_bind_text(_statement, raw.sqlite3_bind_parameter_index(_statement, "@TenantId"), tenantId));
        Check(raw.sqlite3_bind_int(_statement, raw.sqlite3_bind_parameter_index(_statement, "@Shard"), shard));
    }

    /// <summary>The next row, or null after the last.</summary>
    public SessionRow? Next()
    {
        var result = raw.sqlite3_step(_statement);
        for (var retry = 0; result is raw.SQLITE_BUSY or raw.SQLITE_LOCKED && retry < BusyRetries; retry++)
        {
            Thread.Sleep(5);
            result = raw.sqlite3_step(_statement);
        }

        if (result == raw.SQLITE_DONE)
        {
            return null;
        }

        if (result != raw.SQLITE_ROW)
        {
            Check(result);
        }

        return new SessionRow(
            Fresh(0), Shared(1), SharedOrNull(2), SharedOrNull(3), (SessionKind)Int(4), SharedOrNull(5), Shared(6), SharedOrNull(7),
            SharedOrNull(8), Shared(9), SharedOrNull(10), SharedOrNull(11), (SessionStatus)Int(12), Time(13), Time(14),
            TimeOrNull(15), Int(16), TimeOrNull(17), IsNull(18) ? null : (EndReason)Int(18), Long(19), Long(20));
    }

    public void Dispose() => _statement.Dispose();

    private bool IsNull(int column) => raw.sqlite3_column_type(_statement, column) == raw.SQLITE_NULL;

    private long Long(int column) => raw.sqlite3_column_int64(_statement, column);

    private int Int(int column) => raw.sqlite3_column_int(_statement, column);

    private DateTimeOffset Time(int column) => DateTimeOffset.FromUnixTimeMilliseconds(Long(column));

    private DateTimeOffset? TimeOrNull(int column) => IsNull(column) ? null : Time(column);

    /// <summary>A value seen once per row at most (the session id): decoded straight into its own string.</summary>
    private string Fresh(int column) => Encoding.UTF8.GetString(raw.sqlite3_column_blob(_statement, column));

    private string Shared(int column)
    {
        // SQLite hands a TEXT value's bytes to column_blob as they are stored: UTF-8.
        var bytes = raw.sqlite3_column_blob(_statement, column);
        if (bytes.Length > _chars.Length)
        {
            _chars = new char[bytes.Length];
        }

        var length = Encoding.UTF8.GetChars(bytes, _chars);
        return _strings.Share(_chars.AsSpan(0, length));
    }

    private string? SharedOrNull(int column) => IsNull(column) ? null : Shared(column);

    private void Check(int result)
    {
        if (result != raw.SQLITE_OK)
        {
            throw new SqliteException(raw.sqlite3_errmsg(_database).utf8_to_string(), result);
        }
    }
}
