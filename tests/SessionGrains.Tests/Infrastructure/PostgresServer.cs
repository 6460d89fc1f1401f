using Npgsql;

namespace SessionGrains.Tests.Infrastructure;

/// <summary>
/// The private server of scripts/postgres.sh, started (or found running) once per test run by
/// whichever test needs it first.
/// </summary>
public static class PostgresServer
{
    // A fresh machine installs the Debian package first, which takes minutes.
    private static readonly TimeSpan ScriptTimeout = TimeSpan.FromMinutes(10);

    private static readonly TimeSpan OpenTimeout = TimeSpan.FromSeconds(30);

    private static readonly Lazy<Task<string>> Admin = new(StartAsync);

    /// <summary>The connection string of the script's own database, used to create and drop others.</summary>
    public static Task<string> AdminConnectionStringAsync() => Admin.Value;

    private static async Task<string> StartAsync()
    {
        var script = Path.Combine(RepositoryRoot.Path, "scripts", "postgres.sh");
        var run = await ChildProcess.RunAsync("bash", [script], ScriptTimeout);
        if (run.ExitCode != 0)
        {
            throw new InvalidOperationException($"{script} failed with exit code {run.ExitCode}:\n{run.Error}");
        }

        // The script's contract: the last line of stdout is the connection string.
        var admin = run.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];
        await using var connection = new NpgsqlConnection(admin);
        using var open = new CancellationTokenSource(OpenTimeout);
        await connection.OpenAsync(open.Token);
        return admin;
    }
}
