using System.Diagnostics;
using System.Text;

namespace SessionGrains.Tests.Infrastructure;

/// <summary>
/// The silo as its own operating-system process (the built SessionGrains.Silo.dll run by the
/// dotnet host), so a test can kill it the way a crash would: no shutdown code runs.
/// </summary>
public sealed class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private SiloProcess(Process process, SiloSettings settings)
    {
        _process = process;
        Settings = settings;
        _process.OutputDataReceived += (_, e) => Append(e.Data);
        _process.ErrorDataReceived += (_, e) => Append(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public SiloSettings Settings { get; }

    /// <summary>Everything the process printed so far.</summary>
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

    public static async Task<SiloProcess> StartAsync(SiloSettings settings, params string[] extraArgs)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(settings.DatabasePath)!);
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetDirectoryName(settings.DatabasePath)!,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "SessionGrains.Silo.dll"));
        foreach (var arg in settings.Args().Concat(extraArgs))
        {
            start.ArgumentList.Add(arg);
        }

        var silo = new SiloProcess(Process.Start(start)!, settings);
        await silo.WaitUntilReadyAsync();
        return silo;
    }

    private async Task WaitUntilReadyAsync()
    {
        using var http = new HttpClient { BaseAddress = Settings.BaseAddress, Timeout = TimeSpan.FromSeconds(2) };
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (_process.HasExited)
            {
                // Let the output readers drain first, or the message can come out empty.
                await _process.WaitForExitAsync();
                throw new InvalidOperationException($"The silo exited with {_process.ExitCode}:\n{Output}");
            }

            try
            {
                if ((await http.GetAsync("/health/ready")).IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException)
            {
                // Not listening yet.
            }
            catch (TaskCanceledException)
            {
                // Not answering yet.
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"The silo did not become ready:\n{Output}");
    }

    /// <summary>SIGKILL: the process ends at once, with whatever it had in memory.</summary>
    public async Task KillAsync()
    {
        _process.Kill(entireProcessTree: true);
        await _process.WaitForExitAsync();
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            await KillAsync();
        }

        _process.Dispose();
    }
}
