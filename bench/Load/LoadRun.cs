using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace SessionGrains.Bench.Load;

/// <summary>
/// Runs against the real HTTP API only: creates the tenant and a service key, signs in
/// <see cref="LoadOptions.Sessions"/> users whose tokens feed the wrk script (this is also the
/// JIT and connection warm-up for the create measurement), then measures sign-ins per second
/// with <see cref="LoadOptions.Concurrency"/> workers and distinct user ids.
/// </summary>
public sealed class LoadRun(LoadOptions options)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Runs every phase; the exit code is non-zero when any request failed.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient(new SocketsHttpHandler
        {
            // One connection per worker, kept open, as an identity provider's pool would.
            MaxConnectionsPerServer = options.Concurrency,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        })
        {
            BaseAddress = options.Url,
            Timeout = TimeSpan.FromSeconds(30),
        };

        var serviceKey = await SetUpTenantAsync(http, cancellationToken);

        var warmUp = await SignInManyAsync(http, serviceKey, "w", options.Sessions, keepTokens: true, cancellationToken);
        Report("warm-up", warmUp);
        if (warmUp.Failures > 0 || warmUp.Tokens.Count != options.Sessions)
        {
            Console.Error.WriteLine("The warm-up sign-ins did not all succeed; no validate benchmark without valid tokens.");
            return 1;
        }

        await CheckTokensValidateAsync(http, serviceKey, warmUp.Tokens, cancellationToken);
        await File.WriteAllTextAsync(options.LuaFile, WrkScript.For(options.Tenant, serviceKey, warmUp.Tokens), cancellationToken);

        var measured = await SignInManyAsync(http, serviceKey, "m", options.Creates, keepTokens: false, cancellationToken);
        Report("create", measured);

        // One line run.sh reads: creates/s, p50 ms, p99 ms, failures, client CPU share.
        Console.WriteLine(FormattableString.Invariant(
            $"RESULT create_per_s={measured.PerSecond:F0} p50_ms={measured.Percentile(0.50):F1} p99_ms={measured.Percentile(0.99):F1} failures={measured.Failures} count={measured.Succeeded} seconds={measured.Elapsed.TotalSeconds:F1} client_cpu_s={measured.ClientCpu.TotalSeconds:F1}"));
        return measured.Failures == 0 ? 0 : 1;
    }

    /// <summary>Creates the tenant (operator key) and a service key for it; returns the key.</summary>
    private async Task<string> SetUpTenantAsync(HttpClient http, CancellationToken cancellationToken)
    {
        using (var request = Post($"api/v1/tenants", options.OperatorKey, new { tenantId = options.Tenant, name = "Benchmark" }))
        using (var response = await http.SendAsync(request, cancellationToken))
        {
            await EnsureAsync(response, HttpStatusCode.Created, "create tenant", cancellationToken);
        }

        using var keyRequest = Post($"api/v1/tenants/{options.Tenant}/api-keys", options.OperatorKey, new { name = "bench", role = "service" });
        using var keyResponse = await http.SendAsync(keyRequest, cancellationToken);
        await EnsureAsync(keyResponse, HttpStatusCode.Created, "create service key", cancellationToken);
        var created = await keyResponse.Content.ReadFromJsonAsync<JsonElement>(Json, cancellationToken);
        return created.GetProperty("key").GetString() ?? throw new InvalidOperationException("No key in the answer.");
    }

    /// <summary>
    /// Signs in <paramref name="count"/> distinct users with the configured number of workers,
    /// each on its own kept-alive connection, stopping at the count or the time bound.
    /// </summary>
    private async Task<SignInRun> SignInManyAsync(
        HttpClient http, string serviceKey, string prefix, int count, bool keepTokens, CancellationToken cancellationToken)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(options.MaxDuration);
        var run = new SignInRun(count, keepTokens);
        var next = -1;
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();

        async Task WorkerAsync()
        {
            int n;
            while ((n = Interlocked.Increment(ref next)) < count && !bound.IsCancellationRequested)
            {
                var body = new
                {
                    userId = $"{prefix}-{n}",
                    userEmail = $"{prefix}-{n}@bench.test",
                    sessionName = "Firefox on Linux",
                    clientId = "portal",
                    clientType = "browser",
                    identityProvider = "okta",
                    ipAddress = "203.0.113.7",
                    userAgent = "Mozilla/5.0 (X11; Linux x86_64; rv:130.0) Gecko/20100101 Firefox/130.0",
                    claims = new { groups = "eng" },
                };
                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var request = Post($"api/v1/tenants/{options.Tenant}/sessions", serviceKey, body);
                    using var response = await http.SendAsync(request, bound.Token);
                    if (response.StatusCode != HttpStatusCode.Created)
                    {
                        run.Fail($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(bound.Token)}");
                        continue;
                    }

                    string? token = null;
                    if (keepTokens)
                    {
                        var created = await response.Content.ReadFromJsonAsync<JsonElement>(Json, bound.Token);
                        token = created.GetProperty("token").GetString();
                    }
                    else
                    {
                        // Read the answer fully, as a real caller must, without paying for a parse.
                        await response.Content.ReadAsByteArrayAsync(bound.Token);
                    }

                    run.Succeed(n, Stopwatch.GetElapsedTime(started), token);
                }
                catch (OperationCanceledException) when (bound.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    // The time bound hit mid-request; that request is neither a success nor a failure.
                }
                catch (HttpRequestException ex)
                {
                    run.Fail(ex.Message);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, options.Concurrency).Select(_ => Task.Run(WorkerAsync, CancellationToken.None)));
        run.Finish(clock.Elapsed, Process.GetCurrentProcess().TotalProcessorTime - cpuBefore);
        return run;
    }

    /// <summary>Every token the wrk script will send must validate as active, or the figure means nothing.</summary>
    private async Task CheckTokensValidateAsync(HttpClient http, string serviceKey, IReadOnlyList<string> tokens, CancellationToken cancellationToken)
    {
        var inactive = 0;
        await Parallel.ForEachAsync(tokens, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken }, async (token, ct) =>
        {
            using var request = Post($"api/v1/tenants/{options.Tenant}/sessions/validate", serviceKey, new { token });
            using var response = await http.SendAsync(request, ct);
            var answer = await response.Content.ReadFromJsonAsync<JsonElement>(Json, ct);
            if (response.StatusCode != HttpStatusCode.OK || !answer.GetProperty("active").GetBoolean())
            {
                Interlocked.Increment(ref inactive);
            }
        });

        if (inactive > 0)
        {
            throw new InvalidOperationException($"{inactive} of {tokens.Count} fresh tokens did not validate as active.");
        }

        Console.WriteLine($"checked: all {tokens.Count} tokens validate as active");
    }

    private static HttpRequestMessage Post(string path, string bearer, object body)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(JsonSerializer.Serialize(body, Json), Encoding.UTF8, "application/json"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        return request;
    }

    private static async Task EnsureAsync(HttpResponseMessage response, HttpStatusCode expected, string what, CancellationToken cancellationToken)
    {
        if (response.StatusCode != expected)
        {
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new InvalidOperationException($"{what}: expected {(int)expected}, got {(int)response.StatusCode}: {text}");
        }
    }

    private static void Report(string phase, SignInRun run)
    {
        Console.WriteLine(FormattableString.Invariant(
            $"{phase}: {run.Succeeded} sign-ins in {run.Elapsed.TotalSeconds:F2} s = {run.PerSecond:F0}/s, p50 {run.Percentile(0.50):F1} ms, p99 {run.Percentile(0.99):F1} ms, failures {run.Failures}"));
        foreach (var sample in run.FailureSamples)
        {
            Console.WriteLine($"  failure: {sample}");
        }
    }
}
