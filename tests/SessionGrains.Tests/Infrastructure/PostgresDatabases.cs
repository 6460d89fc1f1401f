using Npgsql;

namespace SessionGrains.Tests.Infrastructure;

/// <summary>The tests that need the private PostgreSQL server; they run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresDatabases>
{
    public const string Name = "postgres";
}

/// <summary>
/// Databases with random names on the private server (see <see cref="PostgresServer"/>), so no
/// test sees another's rows, membership or schema; all are dropped on dispose.
/// </summary>
public sealed class PostgresDatabases : ITestDatabases
{
    private readonly List<string> _names = [];
    private string? _admin;

    private string Admin => _admin ?? throw new InvalidOperationException("The server is not started.");

    public async Task InitializeAsync() => _admin = await PostgresServer.AdminConnectionStringAsync();

    public async Task<TestDatabase> CreateAsync(CancellationToken cancellationToken)
    {
        var name = $"sg_test_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(Admin))
        {
            await connection.OpenAsync(cancellationToken);
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        lock (_names)
        {
            _names.Add(name);
        }

        return new TestDatabase(StorageKind.Postgres, new NpgsqlConnectionStringBuilder(Admin) { Database = name }.ConnectionString);
    }

    public async Task DisposeAsync()
    {
        if (_admin is null)
        {
            return;
        }

        // Pooled connections of the silos would otherwise hold the databases open.
        NpgsqlConnection.ClearAllPools();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        await using var connection = new NpgsqlConnection(_admin);
        await connection.OpenAsync(timeout.Token);
        foreach (var name in _names)
        {
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync(timeout.Token);
        }
    }
}
