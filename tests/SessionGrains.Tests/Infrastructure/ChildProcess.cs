using System.Diagnostics;

namespace SessionGrains.Tests.Infrastructure;

/// <summary>A command run to its end, bounded in time: its exit code and what it printed.</summary>
public sealed record ChildProcess(int ExitCode, string Output, string Error)
{
    /// <summary>
    /// Runs <paramref name="file"/> with <paramref name="arguments"/> in <paramref name="workingDirectory"/>
    /// (default: the repository) and waits at most <paramref name="timeout"/>, after which it is
    /// killed and a <see cref="TimeoutException"/> thrown. A program that is not installed throws.
    /// </summary>
    public static async Task<ChildProcess> RunAsync(
        string file, IEnumerable<string> arguments, TimeSpan timeout, string? workingDirectory = null, CancellationToken cancellationToken = default)
    {
        var start = new ProcessStartInfo(file, arguments)
        {
            WorkingDirectory = workingDirectory ?? RepositoryRoot.Path,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException($"{file} did not start.");
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        var output = process.StandardOutput.ReadToEndAsync(limit.Token);
        var error = process.StandardError.ReadToEndAsync(limit.Token);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{file} {string.Join(' ', start.ArgumentList)} took over {timeout}.");
        }

        return new ChildProcess(process.ExitCode, await output, await error);
    }
}
