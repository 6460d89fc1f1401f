using Microsoft.Data.Sqlite;
using Npgsql;
using NpgsqlTypes;

namespace SessionGrains.Bench.SessionTable;

/// <summary>
/// The database the benchmark seeds and the host runs on: a fresh SQLite file, or a fresh
/// database on the PostgreSQL server of scripts/postgres.sh (127.0.0.1), created and dropped here.
/// </summary>
public sealed class BenchDatabase : IAsyncDisposable
{
    private readonly string? _adminConnectionString;
    private readonly string? _file;

    private BenchDatabase(string provider, string connectionString, string? file, string? adminConnectionString)
    {
        Provider = provider;
        ConnectionString = connectionString;
        _file = file;
        _adminConnectionString = adminConnectionString;
    }

    /// <summary>The host's SessionGrains:Storage:Provider.</summary>
    public string Provider { get; }

    /// <summary>The host's SessionGrains:Storage:ConnectionString.</summary>
    public string ConnectionString { get; }

    /// <summary>Where the data is, for the report.</summary>
    public string Description => _file ?? $"PostgreSQL database {new NpgsqlConnectionStringBuilder(ConnectionString).Database}";

    /// <summary>Keeps the database after the run.</summary>
    public bool Keep { get; set; }

    public static BenchDatabase Sqlite(string file) => new("sqlite", $"Data Source={file}", file, null);

    /// <summary>A new database on the server <paramref name="adminConnectionString"/> names.</summary>
    public static async Task<BenchDatabase> PostgresAsync(string adminConnectionString)
    {
        var name = $"sessiongrains_bench_{Guid.NewGuid():N}";
        await using (var admin = new NpgsqlConnection(adminConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
            await create.ExecuteNonQueryAsync();
        }

        var connectionString = new NpgsqlConnectionStringBuilder(adminConnectionString) { Database = name, MaxPoolSize = 200 }.ConnectionString;
        return new BenchDatabase("postgres", connectionString, null, adminConnectionString);
    }

    /// <summary>The size of the data, for the report.</summary>
    public long Bytes()
    {
        if (_file is not null)
        {
            return new FileInfo(_file).Length;
        }

        using var connection = new NpgsqlConnection(ConnectionString);
        connection.Open();
        using var size = new NpgsqlCommand("SELECT pg_database_size(current_database())", connection);
        return (long)size.ExecuteScalar()!;
    }

    /// <summary>How many of a tenant's sessions are stored active right now (a logout-all's notices go to exactly these).</summary>
    public async Task<long> CountStoredActiveAsync(string tenantId)
    {
        await using System.Data.Common.DbConnection connection = _file is not null
            ? new Microsoft.Data.Sqlite.SqliteConnection(ConnectionString)
            : new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var count = connection.CreateCommand();
        count.CommandText = $"SELECT COUNT(*) FROM Sessions WHERE TenantId = '{tenantId}' AND Status = 0";
        return Convert.ToInt64(await count.ExecuteScalarAsync(), System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <summary>A writer of seeded rows, values in <see cref="Seeder"/>'s column order.</summary>
    public ISeedSink OpenSink(string[] columns) => _file is not null ? new SqliteSink(ConnectionString, columns) : new PostgresSink(ConnectionString, columns);

    public async ValueTask DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        NpgsqlConnection.ClearAllPools();
        if (Keep || _adminConnectionString is null)
        {
            return;
        }

        await using var admin = new NpgsqlConnection(_adminConnectionString);
        await admin.OpenAsync();
        var name = new NpgsqlConnectionStringBuilder(ConnectionString).Database;
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }
}

/// <summary>Where the seeder writes its rows.</summary>
public interface ISeedSink : IDisposable
{
    /// <summary>One row, values in column order (null or DBNull for NULL).</summary>
    void Write(object?[] values);

    /// <summary>Makes everything written durable and the planner's statistics current.</summary>
    void Complete();
}

/// <summary>One prepared INSERT, in transactions of 100,000 rows.</summary>
internal sealed class SqliteSink : ISeedSink
{
    private const int BatchRows = 100_000;
    private readonly SqliteConnection _connection;
    private readonly SqliteCommand _insert;
    private readonly SqliteParameter[] _parameters;
    private SqliteTransaction _transaction;
    private int _rows;

    public SqliteSink(string connectionString, string[] columns)
    {
        _connection = new SqliteConnection(connectionString);
        _connection.Open();
        Exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=OFF; PRAGMA cache_size=-262144; PRAGMA temp_store=MEMORY;");
        _insert = _connection.CreateCommand();
        _insert.CommandText = $"INSERT INTO Sessions ({string.Join(", ", columns)}) VALUES ({string.Join(", ", columns.Select(n => "@" + n))})";
        _parameters = [.. columns.Select(n => _insert.Parameters.Add(new SqliteParameter { ParameterName = "@" + n }))];
        _transaction = _connection.BeginTransaction();
        _insert.Transaction = _transaction;
        _insert.Prepare();
    }

    public void Write(object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            _parameters[i].Value = values[i] ?? DBNull.Value;
        }

        _insert.ExecuteNonQuery();
        if (++_rows % BatchRows == 0)
        {
            _transaction.Commit();
            _transaction.Dispose();
            _transaction = _connection.BeginTransaction();
            _insert.Transaction = _transaction;
        }
    }

    public void Complete()
    {
        _transaction.Commit();
        Exec("PRAGMA wal_checkpoint(TRUNCATE); ANALYZE;");
    }

    public void Dispose()
    {
        _transaction.Dispose();
        _insert.Dispose();
        _connection.Dispose();
    }

    private void Exec(string sql)
    {
        using var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}

/// <summary>One binary COPY of every row.</summary>
internal sealed class PostgresSink : ISeedSink
{
    private readonly NpgsqlConnection _connection;
    private readonly NpgsqlBinaryImporter _copy;

    public PostgresSink(string connectionString, string[] columns)
    {
        _connection = new NpgsqlConnection(connectionString);
        _connection.Open();
        _copy = _connection.BeginBinaryImport($"COPY Sessions ({string.Join(", ", columns)}) FROM STDIN (FORMAT BINARY)");
    }

    public void Write(object?[] values)
    {
        _copy.StartRow();
        foreach (var value in values)
        {
            switch (value)
            {
                case null or DBNull:
                    _copy.WriteNull();
                    break;
                case string s:
                    _copy.Write(s, NpgsqlDbType.Text);
                    break;
                case int n:
                    _copy.Write(n, NpgsqlDbType.Integer);
                    break;
                case long n:
                    _copy.Write(n, NpgsqlDbType.Bigint);
                    break;
                case byte[] b:
                    _copy.Write(b, NpgsqlDbType.Bytea);
                    break;
                default:
                    throw new ArgumentException($"No COPY type for {value.GetType()}.");
            }
        }
    }

    public void Complete()
    {
        _copy.Complete();
        _copy.Dispose();
        using var analyze = new NpgsqlCommand("ANALYZE Sessions", _connection);
        analyze.ExecuteNonQuery();
    }

    public void Dispose()
    {
        _copy.Dispose();
        _connection.Dispose();
    }
}
