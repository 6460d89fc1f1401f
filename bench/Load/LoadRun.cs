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
/// with <see cref="LoadOptions.Concurrency"/> workers and distinct user ids, then, with
/// <see cref="LoadOptions.Refreshes"/>, refreshes with rotation: each worker rotates its own
/// sessions' refresh tokens in turn. With several silos, requests go to each in turn.
/// </summary>
public sealed partial class LoadRun(LoadOptions options)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Runs every phase; the exit code is non-zero when any request failed.</summary>
    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var clients = options.Urls.Select(url => new HttpClient(new SocketsHttpHandler
        {
            // One connection per worker, kept open, as an identity provider's pool would.
            MaxConnectionsPerServer = options.Concurrency,
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5),
        })
        {
            BaseAddress = url,
            Timeout = TimeSpan.FromSeconds(30),
        }).ToArray();
        try
        {
            return await RunAsync(clients, cancellationToken);
        }
        finally
        {
            foreach (var client in clients)
            {
                client.Dispose();
            }
        }
    }

    private async Task<int> RunAsync(HttpClient[] clients, CancellationToken cancellationToken)
    {
        var http = clients[0];
        var serviceKey = await SetUpTenantAsync(http, cancellationToken);

        var warmUp = await SignInManyAsync(clients, serviceKey, "w", options.Sessions, keepTokens: true, cancellationToken);
        Report("warm-up", warmUp);
        if (warmUp.Failures > 0 || warmUp.Tokens.Count != options.Sessions)
        {
            Console.Error.WriteLine("The warm-up sign-ins did not all succeed; no validate benchmark without valid tokens.");
            return 1;
        }

        await CheckTokensValidateAsync(http, serviceKey, warmUp.Tokens, cancellationToken);
        await File.WriteAllTextAsync(options.LuaFile, WrkScript.For(options.Tenant, serviceKey, warmUp.Tokens), cancellationToken);

        var measured = await SignInManyAsync(clients, serviceKey, "m", options.Creates, keepTokens: false, cancellationToken);
        Report("create", measured);

        // One line the scripts read: creates/s, p50 ms, p99 ms, failures, client CPU share; then refreshes.
        var result = FormattableString.Invariant(
            $"RESULT create_per_s={measured.PerSecond:F0} p50_ms={measured.Percentile(0.50):F1} p99_ms={measured.Percentile(0.99):F1} failures={measured.Failures} count={measured.Succeeded} seconds={measured.Elapsed.TotalSeconds:F1} client_cpu_s={measured.ClientCpu.TotalSeconds:F1}");
        var failures = measured.Failures;
        if (options.Refreshes > 0)
        {
            // Sessions of their own: a refresh replaces the access token, and the wrk script's must stay valid.
            var pool = await SignInManyAsync(clients, serviceKey, "r", options.Sessions, keepTokens: true, cancellationToken);
            if (pool.Failures > 0)
            {
                Console.Error.WriteLine("The sign-ins for the refresh pool did not all succeed.");
                return 1;
            }

            var refreshed = await RefreshManyAsync(clients, serviceKey, pool.RefreshTokens, options.Refreshes, cancellationToken);
            Report("refresh", refreshed);
            failures += refreshed.Failures;
            result += FormattableString.Invariant(
                $" refresh_per_s={refreshed.PerSecond:F0} refresh_p50_ms={refreshed.Percentile(0.50):F1} refresh_p99_ms={refreshed.Percentile(0.99):F1} refresh_failures={refreshed.Failures} refresh_count={refreshed.Succeeded} refresh_seconds={refreshed.Elapsed.TotalSeconds:F1} refresh_sessions={pool.RefreshTokens.Count}");
        }

        if (options.Terminates > 0)
        {
            var (terminations, line) = await TerminateAsync(clients, serviceKey, cancellationToken);
            failures += terminations;
            result += line;
        }

        Console.WriteLine(result);
        return failures == 0 ? 0 : 1;
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
    private Task<SignInRun> SignInManyAsync(
        HttpClient[] clients, string serviceKey, string prefix, int count, bool keepTokens, CancellationToken cancellationToken) =>
        ManyAsync(clients, count, keepTokens, n => Post($"api/v1/tenants/{options.Tenant}/sessions", serviceKey, new
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
        }), HttpStatusCode.Created, cancellationToken);

    /// <summary>
    /// <paramref name="count"/> requests made by <paramref name="make"/>, with the configured
    /// workers, each expected to answer <paramref name="expected"/>; with <paramref name="keepTokens"/>
    /// (sign-ins) the tokens and session id of each answer are kept, else the answer is read whole
    /// without a parse, as a real caller must read it.
    /// </summary>
    private async Task<SignInRun> ManyAsync(
        HttpClient[] clients, int count, bool keepTokens, Func<int, HttpRequestMessage> make, HttpStatusCode expected, CancellationToken cancellationToken)
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
                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var request = make(n);
                    using var response = await clients[n % clients.Length].SendAsync(request, bound.Token);
                    if (response.StatusCode != expected)
                    {
                        run.Fail($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(bound.Token)}");
                        continue;
                    }

                    if (keepTokens)
                    {
                        var created = await response.Content.ReadFromJsonAsync<JsonElement>(Json, bound.Token);
                        run.Succeed(n, Stopwatch.GetElapsedTime(started), created.GetProperty("token").GetString(),
                            created.GetProperty("refreshToken").GetString(), created.GetProperty("sessionId").GetString());
                    }
                    else
                    {
                        await response.Content.ReadAsByteArrayAsync(bound.Token);
                        run.Succeed(n, Stopwatch.GetElapsedTime(started));
                    }
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

    /// <summary>
    /// Refreshes with rotation, <paramref name="count"/> in all: worker w owns the sessions whose
    /// index is w modulo the worker count and rotates them in turn, each time with the refresh
    /// token the last answer gave, as a client keeping its session alive would. The first
    /// refresh of a session also creates its signing key, so each session is refreshed many times.
    /// </summary>
    private async Task<SignInRun> RefreshManyAsync(
        HttpClient[] clients, string serviceKey, IReadOnlyList<string> refreshTokens, int count, CancellationToken cancellationToken)
    {
        using var bound = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bound.CancelAfter(options.MaxDuration);
        var run = new SignInRun(count, keepTokens: false);
        var current = refreshTokens.ToArray();
        var workers = Math.Min(options.Concurrency, current.Length);
        var next = -1;
        var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
        var clock = Stopwatch.StartNew();

        async Task WorkerAsync(int worker)
        {
            var mine = Enumerable.Range(0, current.Length).Where(i => i % workers == worker).ToArray();
            for (var turn = 0; !bound.IsCancellationRequested; turn++)
            {
                var n = Interlocked.Increment(ref next);
                if (n >= count)
                {
                    return;
                }

                var session = mine[turn % mine.Length];
                var started = Stopwatch.GetTimestamp();
                try
                {
                    using var request = Post($"api/v1/tenants/{options.Tenant}/sessions/refresh", serviceKey, new { refreshToken = current[session] });
                    using var response = await clients[n % clients.Length].SendAsync(request, bound.Token);
                    if (response.StatusCode != HttpStatusCode.OK)
                    {
                        run.Fail($"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync(bound.Token)}");
                        continue;
                    }

                    var rotated = await response.Content.ReadFromJsonAsync<JsonElement>(Json, bound.Token);
                    current[session] = rotated.GetProperty("refreshToken").GetString()!;
                    run.Succeed(n, Stopwatch.GetElapsedTime(started));
                }
                catch (OperationCanceledException) when (bound.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
                {
                    // The time bound hit mid-request; neither a success nor a failure.
                }
                catch (HttpRequestException ex)
                {
                    run.Fail(ex.Message);
                }
            }
        }

        await Task.WhenAll(Enumerable.Range(0, workers).Select(w => Task.Run(() => WorkerAsync(w), CancellationToken.None)));
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
            $"{phase}: {run.Succeeded} requests in {run.Elapsed.TotalSeconds:F2} s = {run.PerSecond:F0}/s, p50 {run.Percentile(0.50):F1} ms, p99 {run.Percentile(0.99):F1} ms, failures {run.Failures}"));
        foreach (var sample in run.FailureSamples)
        {
            Console.WriteLine($"  failure: {sample}");
        }
    }
}
