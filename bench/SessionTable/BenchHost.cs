using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using SessionGrains.Silo.Hosting;

namespace SessionGrains.Bench.SessionTable;

/// <summary>Command-line options of the benchmark.</summary>
public sealed record BenchOptions(int Sessions, int Shards, int Queries, int StatsCalls, int UserRuns, int Seed, bool KeepDatabase, string? Output, int CursorRuns = 30, bool SequentialLoad = false, int Restarts = 0, bool RestartOnly = false, string Provider = "sqlite", bool Console = false, int ConsoleRuns = 10, string? Backchannel = null)
{
    public static BenchOptions Parse(string[] args)
    {
        var o = new BenchOptions(1_000_000, 8, 300, 50, 5, 42, false, null);
        for (var i = 0; i < args.Length; i++)
        {
            string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            o = args[i] switch
            {
                "--sessions" => o with { Sessions = int.Parse(Next(), System.Globalization.CultureInfo.InvariantCulture) },
                "--shards" => o with { Shards = int.Parse(Next(), System.Globalization.CultureInfo.InvariantCulture) },
                "--queries" => o with { Queries = int.Parse(Next(), System.Globalization.CultureInfo.InvariantCulture) },
                "--stats" => o with { StatsCalls = int.Parse(Next(), System.Globalization.CultureInfo.InvariantCulture) },
                "--user-runs" => o with { UserRuns = int.Parse(Next(), System.Globalization.CultureInfo.InvariantCulture) },
                "--seed" => o with { Seed = int.Parse(Next(), System.Globalization.CultureInfo.InvariantCulture) },
                "--cursor-runs" => o with { CursorRuns = int.Parse(Next(), System.Globalization.CultureInfo.InvariantCulture) },
                "--sequential-load" => o with { SequentialLoad = true },
                "--provider" => o with { Provider = Next() is "sqlite" or "postgres" ? args[i] : throw new ArgumentException("--provider is sqlite or postgres.") },
                "--restarts" => o with { Restarts = int.Parse(Next(), System.Globalization.CultureInfo.InvariantCulture) },
                "--restart-only" => o with { RestartOnly = true, Restarts = Math.Max(o.Restarts, 1) },
                "--keep-db" => o with { KeepDatabase = true },
                "--console" => o with { Console = true },
                "--console-runs" => o with { ConsoleRuns = int.Parse(Next(), System.Globalization.CultureInfo.InvariantCulture) },
                "--output" => o with { Output = Next() },
                "--backchannel" => o with { Backchannel = Next() },
                _ => throw new ArgumentException(
                    $"Unknown option {args[i]}. Options: --sessions N --shards N --queries N --stats N --user-runs N --cursor-runs N --sequential-load --restarts N --restart-only --provider sqlite|postgres --console --console-runs N --backchannel RECEIVER_URL --seed N --keep-db --output FILE"),
            };
        }

        return o;
    }
}

/// <summary>The real host (silo + HTTP API), started in this process on loopback ports.</summary>
public sealed class BenchHost : IAsyncDisposable
{
    public const string OperatorKey = "sgo.bench-operator-key-0123456789abcdef";

    private readonly WebApplication _app;

    private BenchHost(WebApplication app, Uri baseAddress)
    {
        _app = app;
        BaseAddress = baseAddress;
        Api = new BenchApi(baseAddress);
    }

    /// <summary>Where the host serves the API and the console.</summary>
    public Uri BaseAddress { get; }

    public BenchApi Api { get; }

    /// <summary>Starts the host; <paramref name="logShardLoads"/> prints each shard's load time and its wait for a load slot.</summary>
    public static async Task<BenchHost> StartAsync(BenchDatabase database, int shardsPerTenant, bool logShardLoads = false)
    {
        var baseAddress = new Uri($"http://127.0.0.1:{FreePort()}");
        string[] args =
        [
            "--urls", baseAddress.ToString().TrimEnd('/'),
            "--environment", "Production",
            $"--SessionGrains:Auth:OperatorKey={OperatorKey}",
            $"--SessionGrains:Storage:Provider={database.Provider}",
            $"--SessionGrains:Storage:ConnectionString={database.ConnectionString}",
            $"--SessionGrains:Cluster:SiloPort={FreePort()}",
            $"--SessionGrains:Cluster:GatewayPort={FreePort()}",
            $"--SessionGrains:SessionTable:ShardsPerTenant={shardsPerTenant}",

            // The benchmark loads the shards itself, between two heap measurements.
            "--SessionGrains:SessionTable:WarmUpOnStart=false",

            // It pages the table thousands of times a minute with one key: what the table costs, not the admin limit.
            "--SessionGrains:RateLimits:Admin:PermitLimit=0",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Orleans=Error",
            $"--Logging:LogLevel:SessionGrains.Grains.SessionTable.SessionTableShardGrain={(logShardLoads ? "Information" : "Warning")}",
        ];
        var app = await SiloApp.CreateAsync(args);
        await app.StartAsync();
        var host = new BenchHost(app, baseAddress);
        await host.Api.WaitReadyAsync();
        return host;
    }

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        await _app.StopAsync();
        await _app.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Npgsql.NpgsqlConnection.ClearAllPools();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>An HTTP response read to the end, with the time it took.</summary>
public sealed record ApiResponse(HttpStatusCode Status, string Body, double Milliseconds)
{
    public JsonNode Json => JsonNode.Parse(Body)!;

    public ApiResponse Expect(HttpStatusCode status) =>
        Status == status ? this : throw new InvalidOperationException($"Expected {(int)status}, got {(int)Status}: {Body}");
}

/// <summary>A plain HTTP client of the contract's routes, timed request by request.</summary>
public sealed class BenchApi(Uri baseAddress) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { MaxConnectionsPerServer = 64 })
    {
        BaseAddress = baseAddress,
        Timeout = TimeSpan.FromMinutes(10),
    };

    public async Task<ApiResponse> SendAsync(HttpMethod method, string path, string key, object? body = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        var clock = Stopwatch.StartNew();
        using var response = await _http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return new ApiResponse(response.StatusCode, text, clock.Elapsed.TotalMilliseconds);
    }

    public Task<ApiResponse> GetAsync(string path, string key = BenchHost.OperatorKey, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, path, key, cancellationToken: cancellationToken);

    public Task<ApiResponse> PostAsync(string path, object? body, string key = BenchHost.OperatorKey) => SendAsync(HttpMethod.Post, path, key, body);

    public Task<ApiResponse> PutAsync(string path, object? body, string key = BenchHost.OperatorKey) => SendAsync(HttpMethod.Put, path, key, body);

    public async Task WaitReadyAsync()
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                using var response = await _http.GetAsync("/health/ready");
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (deadline.Elapsed < TimeSpan.FromSeconds(60))
            {
            }

            if (deadline.Elapsed > TimeSpan.FromSeconds(60))
            {
                throw new TimeoutException("The host did not become ready in 60 s.");
            }

            await Task.Delay(100);
        }
    }

    /// <summary>Creates the tenant and its microtenants; returns the tenant's shard count.</summary>
    public async Task<int> CreateTenantAsync(string tenantId, IEnumerable<string> microtenants)
    {
        var tenant = (await PostAsync("/api/v1/tenants", new { tenantId, name = "Benchmark tenant" })).Expect(HttpStatusCode.Created).Json;
        foreach (var microtenantId in microtenants)
        {
            (await PostAsync($"/api/v1/tenants/{tenantId}/microtenants", new { microtenantId, name = microtenantId.ToUpperInvariant() }))
                .Expect(HttpStatusCode.Created);
        }

        return tenant["indexShards"]!.GetValue<int>();
    }

    /// <summary>Creates an API key of a role and returns its secret.</summary>
    public async Task<string> CreateKeyAsync(string tenantId, string role) =>
        (await PostAsync($"/api/v1/tenants/{tenantId}/api-keys", new { name = $"bench-{role}", role, microtenantId = (string?)null }))
            .Expect(HttpStatusCode.Created).Json["key"]!.GetValue<string>();

    public void Dispose() => _http.Dispose();
}
