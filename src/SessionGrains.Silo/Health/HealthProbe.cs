namespace SessionGrains.Silo.Health;

/// <summary>
/// <c>SessionGrains.Silo --health-probe &lt;url&gt;</c>: one GET of a health route, exit code 0 on
/// a 2xx answer and 1 on anything else, without starting the silo. The runtime image has no
/// curl or wget; this lets its HEALTHCHECK ask the silo's own routes with no extra package.
/// </summary>
public static class HealthProbe
{
    /// <summary>The command-line switch that selects the probe instead of the silo.</summary>
    public const string Argument = "--health-probe";

    /// <summary>How long the probe waits for an answer.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(3);

    /// <summary>Whether the command line asks for a probe rather than a silo.</summary>
    public static bool IsRequested(string[] args) => args is [Argument, ..];

    /// <summary>Runs the probe; returns the process exit code (0 healthy, 1 not, 2 a bad command line).</summary>
    public static async Task<int> RunAsync(string[] args, TextWriter error, CancellationToken cancellationToken = default)
    {
        if (args is not [Argument, var url] || !Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp)
        {
            await error.WriteLineAsync($"usage: {Argument} http://<host>:<port>{HealthRoutes.Ready}");
            return 2;
        }

        using var http = new HttpClient { Timeout = Timeout };
        try
        {
            using var response = await http.GetAsync(uri, cancellationToken);
            if (response.IsSuccessStatusCode)
            {
                return 0;
            }

            await error.WriteLineAsync($"{uri}: {(int)response.StatusCode} {response.ReasonPhrase}");
            return 1;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
        {
            await error.WriteLineAsync($"{uri}: {ex.Message}");
            return 1;
        }
    }
}
