using System.Diagnostics;
using Npgsql;

namespace SessionGrains.Tests.Storage;

/// <summary>The tests that need the private PostgreSQL server; they run one after another.</summary>
[CollectionDefinition(Name)]
public sealed class PostgresCollection : ICollectionFixture<PostgresServerFixture>
{
    public const string Name = "postgres";
}

/// <summary>
/// Starts (or finds running) the private server of scripts/postgres.sh once per test run, and hands
/// out fresh databases so no test sees another's rows, membership or schema.
/// </summary>
public sealed class PostgresServerFixture : IAsyncLifetime
{
    // A fresh machine installs the Debian package first, which takes minutes.
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromMinutes(10);

    private readonly List<string> _databases = [];
    private string? _adminConnectionString;

    /// <summary>The connection string of the script's own database, used to create and drop others.</summary>
    public string AdminConnectionString => _adminConnectionString ?? throw new InvalidOperationException("The server is not started.");

    public async Task InitializeAsync()
    {
        var script = Path.Combine(FindRepositoryRoot(), "scripts", "postgres.sh");
        var start = new ProcessStartInfo("bash", [script])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("bash did not start.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(ScriptTimeout);
        await process.WaitForExitAsync(timeout.Token);
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{script} failed with exit code {process.ExitCode}:\n{await stderr}");
        }

        // The script's contract: the last line of stdout is the connection string.
        _adminConnectionString = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];
        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync();
    }

    /// <summary>Creates an empty database with a random name and returns its connection string.</summary>
    public async Task<string> CreateDatabaseAsync(CancellationToken cancellationToken)
    {
        var name = $"sg_test_{Guid.NewGuid():N}";
        await using (var connection = new NpgsqlConnection(AdminConnectionString))
        {
            await connection.OpenAsync(cancellationToken);
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
            await create.ExecuteNonQueryAsync(cancellationToken);
        }

        lock (_databases)
        {
            _databases.Add(name);
        }

        return new NpgsqlConnectionStringBuilder(AdminConnectionString) { Database = name }.ConnectionString;
    }

    /// <summary>Runs a query with <c>@p0</c>, <c>@p1</c>... bound to <paramref name="args"/> and returns its first value.</summary>
    public static async Task<object?> ScalarAsync(string connectionString, string sql, CancellationToken cancellationToken, params object[] args)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);
        await using var command = new NpgsqlCommand(sql, connection);
        for (var i = 0; i < args.Length; i++)
        {
            command.Parameters.AddWithValue($"p{i}", args[i]);
        }

        return await command.ExecuteScalarAsync(cancellationToken);
    }

    public async Task DisposeAsync()
    {
        if (_adminConnectionString is null)
        {
            return;
        }

        // Pooled connections of the silos would otherwise hold the databases open.
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(_adminConnectionString);
        await connection.OpenAsync();
        foreach (var name in _databases)
        {
            await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
            await drop.ExecuteNonQueryAsync();
        }
    }

    /// <summary>The folder holding SessionGrains.sln, found upwards from the test binaries.</summary>
    public static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "SessionGrains.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No SessionGrains.sln above {AppContext.BaseDirectory}.");
    }
}
