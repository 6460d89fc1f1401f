using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Runtime;
using SessionGrains.Silo.Hosting;
using SessionGrains.Tests.Infrastructure;

namespace SessionGrains.Tests.Storage;

/// <summary>
/// The real host (<see cref="SiloApp"/>) on PostgreSQL, on free ports, reached over real HTTP.
/// </summary>
public sealed class PostgresSilo : IAsyncDisposable
{
    private readonly WebApplication _app;
    private bool _stopped;

    private PostgresSilo(WebApplication app, Uri baseAddress)
    {
        _app = app;
        Http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(30) };
    }

    /// <summary>A client for this silo's HTTP API, without credentials.</summary>
    public HttpClient Http { get; }

    /// <summary>Builds and starts a silo of <paramref name="clusterId"/> on <paramref name="connectionString"/>.</summary>
    public static async Task<PostgresSilo> StartAsync(
        string connectionString, string clusterId, string operatorKey, CancellationToken cancellationToken)
    {
        var ports = FreePorts.Take(3);
        var httpPort = ports[0];
        string[] args =
        [
            "--urls", $"http://127.0.0.1:{httpPort}",
            "--environment", "Development",
            "--SessionGrains:Storage:Provider=postgres",
            $"--SessionGrains:Storage:ConnectionString={connectionString}",
            $"--SessionGrains:Auth:OperatorKey={operatorKey}",
            $"--SessionGrains:Cluster:SiloPort={ports[1]}",
            $"--SessionGrains:Cluster:GatewayPort={ports[2]}",
            $"--SessionGrains:Cluster:ClusterId={clusterId}",
            "--Logging:LogLevel:Default=Warning",
        ];

        var app = await SiloApp.CreateAsync(args, cancellationToken: cancellationToken);
        var silo = new PostgresSilo(app, new Uri($"http://127.0.0.1:{httpPort}"));
        try
        {
            await app.StartAsync(cancellationToken);
            await silo.WaitUntilReadyAsync(cancellationToken);
            return silo;
        }
        catch
        {
            await silo.DisposeAsync();
            throw;
        }
    }

    /// <summary>Waits until this silo's membership view holds <paramref name="count"/> active silos.</summary>
    public async Task WaitForActiveSilosAsync(int count, CancellationToken cancellationToken)
    {
        var membership = _app.Services.GetRequiredService<IClusterMembershipService>();
        while (membership.CurrentSnapshot.Members.Values.Count(m => m.Status == SiloStatus.Active) < count)
        {
            await Task.Delay(100, cancellationToken);
        }
    }

    /// <summary>Sends <paramref name="body"/> as JSON with <paramref name="key"/> as bearer.</summary>
    public Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string key, object? body, CancellationToken cancellationToken)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return Http.SendAsync(request, cancellationToken);
    }

    /// <summary>Sends, asserts the status, and returns the JSON body (or an empty element for no body).</summary>
    public async Task<JsonElement> CallAsync(
        HttpMethod method, string path, string key, object? body, HttpStatusCode expected, CancellationToken cancellationToken)
    {
        using var response = await SendAsync(method, path, key, body, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(expected == response.StatusCode, $"{method} {path}: expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        return text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone();
    }

    /// <summary>Stops the silo gracefully (it leaves the cluster) and releases it.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (!_stopped)
        {
            _stopped = true;
            await _app.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        try
        {
            await StopAsync(timeout.Token);
        }
        finally
        {
            Http.Dispose();
            await _app.DisposeAsync();
        }
    }

    private async Task WaitUntilReadyAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            using var response = await Http.GetAsync("/health/ready", cancellationToken);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return;
            }

            await Task.Delay(100, cancellationToken);
        }
    }
}
