using System.Diagnostics;
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

    private static readonly Lazy<Task<string>> Admin = new(StartAsync);

    /// <summary>The connection string of the script's own database, used to create and drop others.</summary>
    public static Task<string> AdminConnectionStringAsync() => Admin.Value;

    private static async Task<string> StartAsync()
    {
        var script = Path.Combine(RepositoryRoot.Path, "scripts", "postgres.sh");
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
        var admin = (await stdout).Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)[^1];
        await using var connection = new NpgsqlConnection(admin);
        await connection.OpenAsync(timeout.Token);
        return admin;
    }
}
