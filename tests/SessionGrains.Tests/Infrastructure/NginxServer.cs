using System.Diagnostics;
using System.Net.Sockets;

namespace SessionGrains.Tests.Infrastructure;

/// <summary>
/// A real nginx (the Debian package) run by a test: in the foreground, as this user, with its whole
/// prefix (configuration, pid, logs, temp files) in a folder of its own, killed on dispose.
/// </summary>
public sealed class NginxServer : IAsyncDisposable
{
    private static readonly TimeSpan StartLimit = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan StopLimit = TimeSpan.FromSeconds(10);

    private readonly Process _process;

    private NginxServer(Process process, string prefix)
    {
        _process = process;
        Prefix = prefix;
    }

    /// <summary>The folder nginx runs in.</summary>
    public string Prefix { get; }

    /// <summary>What nginx wrote to its error log so far (empty when nothing).</summary>
    public string ErrorLog => File.Exists(Path.Combine(Prefix, "error.log")) ? File.ReadAllText(Path.Combine(Prefix, "error.log")) : "";

    /// <summary>
    /// The settings every configuration here starts with: the foreground, one process, and every
    /// path inside the prefix, so nothing needs root or touches the system's nginx.
    /// </summary>
    public static string Preamble(string prefix) => $$"""
        daemon off;
        master_process off;
        worker_processes 1;
        pid {{prefix}}/nginx.pid;
        error_log {{prefix}}/error.log warn;
        events { worker_connections 256; }
        """;

    /// <summary>The temp paths of an <c>http</c> block, inside the prefix.</summary>
    public static string TempPaths(string prefix) => $"""
        client_body_temp_path {prefix}/client_body;
        proxy_temp_path {prefix}/proxy;
        fastcgi_temp_path {prefix}/fastcgi;
        uwsgi_temp_path {prefix}/uwsgi;
        scgi_temp_path {prefix}/scgi;
        access_log off;
        """;

    /// <summary>
    /// Writes <paramref name="configuration"/> (made from the prefix folder's path) to a new folder,
    /// checks it with <c>nginx -t</c>, starts nginx on it and returns once <paramref name="port"/>
    /// on loopback accepts connections.
    /// </summary>
    public static async Task<NginxServer> StartAsync(Func<string, string> configuration, int port, CancellationToken cancellationToken = default)
    {
        var prefix = Directory.CreateDirectory(Path.Combine(TestFolder.Create(), $"nginx-{Guid.NewGuid():N}")).FullName;
        var conf = Path.Combine(prefix, "nginx.conf");
        await File.WriteAllTextAsync(conf, configuration(prefix), cancellationToken);
        string[] arguments = ["-p", prefix, "-c", conf, "-e", Path.Combine(prefix, "error.log")];

        var check = await ChildProcess.RunAsync("nginx", [.. arguments, "-t"], TimeSpan.FromSeconds(15), prefix, cancellationToken);
        if (check.ExitCode != 0)
        {
            throw new InvalidOperationException($"nginx -t refused the configuration:\n{check.Error}");
        }

        var process = Process.Start(new ProcessStartInfo("nginx", arguments)
        {
            WorkingDirectory = prefix,
            UseShellExecute = false,
            RedirectStandardOutput = false,
            RedirectStandardError = false,
        }) ?? throw new InvalidOperationException("nginx did not start.");
        var server = new NginxServer(process, prefix);
        try
        {
            await Poll.UntilAsync(
                async token => !process.HasExited && await AcceptsAsync(port, token),
                StartLimit,
                () => $"nginx is not listening on 127.0.0.1:{port} (exited: {process.HasExited}):\n{server.ErrorLog}",
                cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    private static async Task<bool> AcceptsAsync(int port, CancellationToken cancellationToken)
    {
        using var client = new TcpClient();
        try
        {
            await client.ConnectAsync("127.0.0.1", port, cancellationToken);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                using var limit = new CancellationTokenSource(StopLimit);
                await _process.WaitForExitAsync(limit.Token);
            }
        }
        finally
        {
            _process.Dispose();
            try
            {
                Directory.Delete(Prefix, recursive: true);
            }
            catch (IOException)
            {
                // A file nginx still held: the folder is in the tests' temp folder, left for the next clean-up.
            }
        }
    }
}
