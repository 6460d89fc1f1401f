using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace SessionGrains.Tests.Infrastructure;

/// <summary>
/// The silo as its own operating-system process (the built SessionGrains.Silo.dll run by the
/// dotnet host), so a test can kill it the way a crash would (no shutdown code runs), or pause it
/// the way an overloaded host or a long GC stall would.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private const int SigTerm = 15;
    private const int SigStop = 19;
    private const int SigCont = 18;

    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly List<string> _standardOutput = [];

    private SiloProcess(Process process, SiloSettings settings)
    {
        _process = process;
        Settings = settings;
        _process.OutputDataReceived += (_, e) => Append(e.Data, _standardOutput);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public SiloSettings Settings { get; }

    /// <summary>Everything the process printed so far, standard output and error together.</summary>
    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>Starts the silo of <paramref name="settings"/> and returns once it answers ready.</summary>
    public static async Task<SiloProcess> StartAsync(SiloSettings settings, CancellationToken cancellationToken = default)
    {
        if (settings.Time is not null)
        {
            throw new ArgumentException("A silo process runs on its own clock; a fake one reaches only a TestSilo.", nameof(settings));
        }

        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = TestFolder.Create(),
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "SessionGrains.Silo.dll"));
        foreach (var arg in settings.Args())
        {
            start.ArgumentList.Add(arg);
        }

        var silo = new SiloProcess(Process.Start(start)!, settings);
        try
        {
            await Readiness.WaitAsync(settings.BaseAddress, cancellationToken, silo.ThrowIfExitedAsync, () => silo.Output);
            return silo;
        }
        catch
        {
            await silo.DisposeAsync();
            throw;
        }
    }

    private async Task ThrowIfExitedAsync()
    {
        if (_process.HasExited)
        {
            // Let the output readers drain first, or the message can come out empty.
            await _process.WaitForExitAsync();
            throw new InvalidOperationException($"The silo exited with {_process.ExitCode}:\n{Output}");
        }
    }

    /// <summary>The operator key a Development silo generated and printed at its start; null when it printed none.</summary>
    public string? GeneratedOperatorKey =>
        Regex.Match(Output, @"sgo\.[A-Za-z0-9_-]{43}") is { Success: true } match ? match.Value : null;

    /// <summary>The lines the process wrote to its standard output so far (its log stream), without standard error.</summary>
    public IReadOnlyList<string> StandardOutput
    {
        get
        {
            lock (_output)
            {
                return [.. _standardOutput];
            }
        }
    }

    /// <summary>SIGKILL: the process ends at once, with whatever it had in memory.</summary>
    public async Task KillAsync(CancellationToken cancellationToken = default)
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync(cancellationToken);
    }

    /// <summary>
    /// SIGTERM, as Kubernetes or systemd stops a process: the silo turns readiness off, drains
    /// and leaves the cluster. Returns its exit code once it has exited, or throws after
    /// <paramref name="limit"/>.
    /// </summary>
    public async Task<int> StopAsync(TimeSpan limit, CancellationToken cancellationToken = default)
    {
        Signal(SigTerm);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(limit);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The silo did not exit within {limit} of SIGTERM.\n{Output}");
        }

        return _process.ExitCode;
    }

    /// <summary>Whether the process has ended.</summary>
    public bool HasExited => _process.HasExited;

    /// <summary>SIGSTOP: the process stops answering anything, and keeps everything it holds.</summary>
    public void Pause() => Signal(SigStop);

    /// <summary>SIGCONT after <see cref="Pause"/>: it goes on where it stopped; its monotonic clock did not.</summary>
    public void Resume() => Signal(SigCont);

    private void Signal(int signal)
    {
        if (Kill(_process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"kill({_process.Id}, {signal}) failed with errno {Marshal.GetLastWin32Error()}.");
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

    private void Append(string? line, List<string>? stream = null)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
            stream?.Add(line);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            // A paused process takes SIGKILL too, but resume it first so nothing is left stopped.
            Kill(_process.Id, SigCont);
            await KillAsync();
        }

        _process.Dispose();
    }
}
