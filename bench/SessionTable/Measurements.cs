using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Text;

namespace SessionGrains.Bench.SessionTable;

/// <summary>The timed part: run against a host started on the seeded database.</summary>
public sealed class Measurements(BenchHost host, Seeded seeded, BenchOptions options, Report report)
{
    private const string Tenant = Seeder.TenantId;
    private static readonly string[] SortKeys = ["createdAt", "lastActivity", "userEmail", "ipAddress", "expiresAt", "duration"];
    private static readonly string[] ClientIds = ["portal", "admin-console", "mobile-ios", "mobile-android", "partner-api", "billing", "support", "reports", "cli", "sso-bridge"];
    private static readonly string[] Kinds = ["user", "admin", "api-key"];
    private static readonly string[] Statuses = ["active", "inactive", "all"];
    private static readonly string[] Words = ["chrome", "firefox", "safari on ios", "edge on windows", "contoso", "hooli.dev", "lovelace", "grace.hopper", "ci-deploy", "2001:db8:", "10.1.", "zzzz-nothing"];

    private BenchApi Api => host.Api;

    public async Task RunAsync()
    {
        await LoadAsync();
        await ListAsync();
        report.Cursors = await new CursorMeasurements(Api, options).RunAsync();
        await StatsAsync();
        await UsersAsync();
        await LogoutAllAsync();
    }

    /// <summary>The first query activates every shard, which loads its rows; the GC heap before and after.</summary>
    public async Task LoadAsync()
    {
        report.HeapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var clock = Stopwatch.StartNew();
        if (options.SequentialLoad)
        {
            await LoadOneByOneAsync(clock);
        }

        ApiResponse first;
        while (true)
        {
            first = await Api.GetAsync($"/api/v1/tenants/{Tenant}/sessions?pageSize=10");
            if (first.Status == HttpStatusCode.OK)
            {
                break;
            }

            // A grain call can time out while the shards are still loading; they keep loading.
            Console.WriteLine($"  first query answered {(int)first.Status} after {clock.Elapsed.TotalSeconds:F1} s; retrying");
            if (clock.Elapsed > TimeSpan.FromMinutes(10))
            {
                throw new TimeoutException("The shards did not load in 10 minutes.");
            }
        }

        report.LoadSeconds = clock.Elapsed.TotalSeconds;
        var total = first.Json["total"]!.GetValue<long>();
        if (total != seeded.Sessions)
        {
            throw new InvalidOperationException($"The table lists {total} sessions, {seeded.Sessions} were seeded.");
        }

        report.HeapAfter = GC.GetTotalMemory(forceFullCollection: true);
        Console.WriteLine($"Shards loaded in {report.LoadSeconds:F1} s; GC heap {report.HeapBefore / 1e6:F0} MB -> {report.HeapAfter / 1e6:F0} MB " +
            $"({(report.HeapAfter - report.HeapBefore) / (double)seeded.Sessions:F0} B/session).");

        // A seeded row is a valid session state: its grain loads it.
        var sessionId = seeded.SampleSessionIds[0];
        var details = (await Api.GetAsync($"/api/v1/tenants/{Tenant}/sessions/{sessionId}")).Expect(HttpStatusCode.OK).Json;
        if (details["sessionId"]!.GetValue<string>() != sessionId || details["device"] is null && details["claims"] is null)
        {
            throw new InvalidOperationException($"Seeded session {sessionId} did not load: {details}");
        }
    }

    /// <summary>
    /// Activates the shards one at a time, each through a query of one user that lives in it. On a
    /// machine so busy that loading all of them at once outlasts Orleans' activation timeout (30 s),
    /// every retry would start all eight loads again; one at a time, each gets the CPU there is.
    /// </summary>
    private async Task LoadOneByOneAsync(Stopwatch clock)
    {
        for (var shard = 0; shard < options.Shards; shard++)
        {
            var user = Enumerable.Range(0, 10_000).Select(n => $"load-probe-{n}").First(u => SessionGrains.GrainKeys.ShardOf(u, options.Shards) == shard);
            while ((await Api.GetAsync($"/api/v1/tenants/{Tenant}/users/{user}/sessions")).Status != HttpStatusCode.OK)
            {
                Console.WriteLine($"  shard {shard} still loading after {clock.Elapsed.TotalSeconds:F1} s");
                if (clock.Elapsed > TimeSpan.FromMinutes(10))
                {
                    throw new TimeoutException("The shards did not load in 10 minutes.");
                }
            }

            Console.WriteLine($"  shard {shard} loaded after {clock.Elapsed.TotalSeconds:F1} s");
        }
    }

    private async Task ListAsync()
    {
        var rng = new Random(options.Seed + 1);

        // Warm-up (JIT, connection): not counted.
        for (var i = 0; i < 20; i++)
        {
            (await Api.GetAsync(ListPath(RandomQuery(rng, i)))).Expect(HttpStatusCode.OK);
        }

        var samples = new List<(double Ms, string Query, long Total, bool Searched)>();
        var cpu = Cpu();
        for (var i = 0; i < options.Queries; i++)
        {
            var query = RandomQuery(rng, i);
            var response = (await Api.GetAsync(ListPath(query))).Expect(HttpStatusCode.OK);
            samples.Add((response.Milliseconds, query, response.Json["total"]!.GetValue<long>(), query.Contains("search=", StringComparison.Ordinal)));
        }

        report.PageCpuMs = (Cpu() - cpu) / options.Queries;
        var unfiltered = new List<double>();
        for (var i = 0; i < 24; i++)
        {
            var sort = (i % 2 == 0 ? "-" : "") + SortKeys[i / 2 % SortKeys.Length];
            var response = (await Api.GetAsync(ListPath($"sort={sort}&page={1 + i % 3}&pageSize=50"))).Expect(HttpStatusCode.OK);
            unfiltered.Add(response.Milliseconds);
        }

        report.Pages = [.. samples.Select(s => s.Ms)];
        report.SearchedPages = [.. samples.Where(s => s.Searched).Select(s => s.Ms)];
        report.UnfilteredPages = unfiltered;
        report.SlowestQueries = [.. samples.OrderByDescending(s => s.Ms).Take(5).Select(s => (s.Ms, s.Query, s.Total))];
        report.MatchTotals = (samples.Min(s => s.Total), Percentile([.. samples.Select(s => (double)s.Total)], 0.5), samples.Max(s => s.Total));
        Console.WriteLine($"Pages: p50 {Percentile(report.Pages, 0.5):F1} ms, p95 {Percentile(report.Pages, 0.95):F1} ms over {samples.Count} queries.");
    }

    private string RandomQuery(Random rng, int i)
    {
        var q = new List<string>();
        if (rng.Next(100) < 65)
        {
            var search = rng.Next(6) switch
            {
                0 => seeded.SampleUserIds[rng.Next(seeded.SampleUserIds.Count)],
                1 => seeded.SampleEmails[rng.Next(seeded.SampleEmails.Count)].Split('@')[0],
                2 => seeded.SampleIps[rng.Next(seeded.SampleIps.Count)],
                3 => $"user-{rng.Next(250):D3}",
                _ => Words[rng.Next(Words.Length)],
            };
            q.Add("search=" + Uri.EscapeDataString(search));
        }

        if (rng.Next(100) < 60)
        {
            q.Add("status=" + Statuses[rng.Next(Statuses.Length)]);
        }

        if (rng.Next(100) < 30)
        {
            q.Add("clientId=" + ClientIds[rng.Next(ClientIds.Length)]);
        }

        if (rng.Next(100) < 15)
        {
            q.Add("kind=" + Kinds[rng.Next(Kinds.Length)]);
        }

        if (rng.Next(100) < 25)
        {
            q.Add("microtenantId=" + Seeder.Microtenants[rng.Next(Seeder.Microtenants.Length)]);
        }

        if (rng.Next(100) < 25)
        {
            var after = seeded.SeededAt.AddMinutes(-rng.Next(60, 5 * 24 * 60));
            q.Add("createdAfter=" + Uri.EscapeDataString(after.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture)));
        }

        // Every sort key, both directions, in turn.
        q.Add("sort=" + (i % 2 == 0 ? "-" : "") + SortKeys[i / 2 % SortKeys.Length]);
        q.Add("page=" + rng.Next(1, 21).ToString(CultureInfo.InvariantCulture));
        q.Add("pageSize=" + (10 * rng.Next(1, 11)).ToString(CultureInfo.InvariantCulture));
        return string.Join('&', q);
    }

    private static string ListPath(string query) => $"/api/v1/tenants/{Tenant}/sessions?{query}";

    private async Task StatsAsync()
    {
        (await Api.GetAsync($"/api/v1/tenants/{Tenant}/sessions/stats")).Expect(HttpStatusCode.OK);
        var times = new List<double>();
        var cpu = Cpu();
        for (var i = 0; i < options.StatsCalls; i++)
        {
            var microtenant = i % 5 == 4 ? "?microtenantId=" + Seeder.Microtenants[i % 3] : "";
            var response = (await Api.GetAsync($"/api/v1/tenants/{Tenant}/sessions/stats{microtenant}")).Expect(HttpStatusCode.OK);
            times.Add(response.Milliseconds);
            if (i == 0)
            {
                var json = response.Json;
                report.StatsSample = $"total {json["total"]}, active {json["active"]}, uniqueUsers {json["uniqueUsers"]}";
            }
        }

        report.StatsCpuMs = (Cpu() - cpu) / options.StatsCalls;
        report.Stats = times;
        Console.WriteLine($"Stats: p50 {Percentile(times, 0.5):F1} ms, p95 {Percentile(times, 0.95):F1} ms ({report.StatsSample}).");
    }

    /// <summary>Users with 100 sessions each, created through the API, then logged out or denylisted.</summary>
    private async Task UsersAsync()
    {
        var serviceKey = await Api.CreateKeyAsync(Tenant, "service");
        var logouts = new List<double>();
        var denylists = new List<double>();
        for (var run = 0; run < options.UserRuns; run++)
        {
            foreach (var denylist in new[] { false, true })
            {
                var userId = $"bench-{(denylist ? "denylist" : "logout")}-{run}";
                var tokens = await SignInManyAsync(serviceKey, userId, 100);
                var response = denylist
                    ? await Api.PutAsync($"/api/v1/tenants/{Tenant}/users/{userId}/denylist", new { reason = "benchmark" })
                    : await Api.PostAsync($"/api/v1/tenants/{Tenant}/users/{userId}/logout", null);
                var terminated = response.Expect(HttpStatusCode.OK).Json["terminated"]!.GetValue<int>();
                if (terminated != 100)
                {
                    throw new InvalidOperationException($"{userId}: {terminated} sessions ended, not 100.");
                }

                await ExpectInactiveAsync(serviceKey, tokens[^1]);
                (denylist ? denylists : logouts).Add(response.Milliseconds);
            }
        }

        report.UserLogouts = logouts;
        report.Denylists = denylists;
        Console.WriteLine($"User logout (100 sessions): {string.Join(", ", logouts.Select(m => m.ToString("F1", CultureInfo.InvariantCulture)))} ms");
        Console.WriteLine($"Denylist (100 sessions): {string.Join(", ", denylists.Select(m => m.ToString("F1", CultureInfo.InvariantCulture)))} ms");
    }

    private async Task LogoutAllAsync()
    {
        var serviceKey = await Api.CreateKeyAsync(Tenant, "service");
        var times = new List<double>();
        for (var run = 0; run < options.UserRuns; run++)
        {
            var token = (await SignInManyAsync(serviceKey, $"bench-tenant-{run}", 1))[0];
            await Task.Delay(5);
            var response = (await Api.PostAsync($"/api/v1/tenants/{Tenant}/logout-all", new { clientId = (string?)null })).Expect(HttpStatusCode.OK);
            times.Add(response.Milliseconds);
            await ExpectInactiveAsync(serviceKey, token);
        }

        report.LogoutAll = times;
        var stats = (await Api.GetAsync($"/api/v1/tenants/{Tenant}/sessions/stats")).Expect(HttpStatusCode.OK).Json;
        report.StatsAfterLogoutAll = $"active {stats["active"]} of {stats["total"]}";
        Console.WriteLine($"Logout-all: {string.Join(", ", times.Select(m => m.ToString("F1", CultureInfo.InvariantCulture)))} ms; stats after: {report.StatsAfterLogoutAll}");
    }

    private async Task<List<string>> SignInManyAsync(string serviceKey, string userId, int count)
    {
        var tokens = new string[count];
        var next = -1;
        await Task.WhenAll(Enumerable.Range(0, Math.Min(8, count)).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                var json = (await Api.PostAsync($"/api/v1/tenants/{Tenant}/sessions", new
                {
                    userId,
                    userEmail = $"{userId}@bench.test",
                    sessionName = $"Chrome on Windows #{i}",
                    clientId = "portal",
                    clientType = "browser",
                    ipAddress = $"198.51.100.{i % 250 + 1}",
                    userAgent = "Mozilla/5.0 (Windows 11) Chrome/131.0",
                }, serviceKey)).Expect(HttpStatusCode.Created).Json;
                tokens[i] = json["token"]!.GetValue<string>();
            }
        }));
        return [.. tokens];
    }

    private async Task ExpectInactiveAsync(string serviceKey, string token)
    {
        var json = (await Api.PostAsync($"/api/v1/tenants/{Tenant}/sessions/validate", new { token }, serviceKey)).Expect(HttpStatusCode.OK).Json;
        if (json["active"]!.GetValue<bool>())
        {
            throw new InvalidOperationException("A session still validated after the call that ended it returned.");
        }
    }

    /// <summary>CPU time of this whole process (host and client) so far, in ms: unlike latency, not inflated by other processes.</summary>
    private static double Cpu()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime.TotalMilliseconds;
    }

    /// <summary>Nearest-rank percentile.</summary>
    public static double Percentile(IReadOnlyList<double> values, double q)
    {
        if (values.Count == 0)
        {
            return double.NaN;
        }

        var sorted = values.Order().ToArray();
        var rank = (int)Math.Ceiling(q * sorted.Length);
        return sorted[Math.Clamp(rank - 1, 0, sorted.Length - 1)];
    }
}

/// <summary>The figures, and the markdown table of them against the targets.</summary>
public sealed class Report(BenchOptions options)
{
    public double SeedSeconds { get; set; }
    public long DatabaseBytes { get; set; }
    public double LoadSeconds { get; set; }
    public long HeapBefore { get; set; }
    public long HeapAfter { get; set; }
    public IReadOnlyList<double> Pages { get; set; } = [];
    public IReadOnlyList<double> SearchedPages { get; set; } = [];
    public IReadOnlyList<double> UnfilteredPages { get; set; } = [];
    public IReadOnlyList<(double Ms, string Query, long Total)> SlowestQueries { get; set; } = [];
    public (long Min, double Median, long Max) MatchTotals { get; set; }
    public IReadOnlyList<double> Stats { get; set; } = [];
    public double PageCpuMs { get; set; }
    public double StatsCpuMs { get; set; }
    public string StatsSample { get; set; } = "";
    public IReadOnlyList<double> UserLogouts { get; set; } = [];
    public IReadOnlyList<double> Denylists { get; set; } = [];
    public IReadOnlyList<double> LogoutAll { get; set; } = [];
    public string StatsAfterLogoutAll { get; set; } = "";
    public IReadOnlyList<CursorFigures> Cursors { get; set; } = [];
    public double TotalSeconds { get; set; }

    public IReadOnlyList<RestartFigures> Restarts { get; set; } = [];

    /// <summary>Every restart measured answered within 5 s of being ready (none measured: nothing to miss).</summary>
    public bool RestartMet => Restarts.All(r => r.AnswerSeconds < 5);

    private string ProviderName => options.Provider == "postgres" ? "PostgreSQL" : "SQLite";

    public static string LoadAverage =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private double BytesPerSession => (HeapAfter - HeapBefore) / (double)options.Sessions;

    public bool AllMet =>
        P(Pages, 0.95) < 100 && P(Stats, 0.95) < 50 && BytesPerSession < 1024
        && UserLogouts.Max() < 50 && Denylists.Max() < 50 && LogoutAll.Max() < 100
        && Cursors.All(f => P(f.ByCursor, 0.5) <= 1.5 * P(f.First, 0.5)) && RestartMet;

    /// <summary>The restarts' figures, one row each.</summary>
    public string RestartsMarkdown()
    {
        var s = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        s.AppendLine(c, $"Restarts: {options.Sessions:N0} sessions, {options.Shards} shards, one silo, {ProviderName}. Load average {LoadAverage} at the end.");
        s.AppendLine();
        s.AppendLine("| restart | start to ready | ready to page with total and stats | CPU of the process | target (< 5 s) |");
        s.AppendLine("|---|---|---|---|---|");
        for (var i = 0; i < Restarts.Count; i++)
        {
            var r = Restarts[i];
            s.AppendLine(c, $"| {i + 1} | {r.StartSeconds:F1} s | {r.AnswerSeconds:F1} s | {r.ProcessCpuSeconds:F1} s | {(r.AnswerSeconds < 5 ? "met" : "**missed**")} |");
        }

        return s.ToString();
    }

    public string ToMarkdown()
    {
        var s = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        string Ms(double v) => v.ToString("F1", c);
        string Met(bool ok) => ok ? "met" : "**missed**";
        s.AppendLine(c, $"{options.Sessions:N0} sessions, {options.Shards} shards, one silo, {ProviderName}; over HTTP on loopback, one request at a time. " +
            $"Load average {LoadAverage} at the end (other processes share the 2 cores). CPU = this process's CPU time (host and client) per request.");
        s.AppendLine();
        s.AppendLine("| what | measured | target | |");
        s.AppendLine("|---|---|---|---|");
        s.AppendLine(c, $"| searched, filtered, sorted page with exact total ({Pages.Count} varied queries) | p50 {Ms(P(Pages, 0.5))} ms, p95 {Ms(P(Pages, 0.95))} ms, max {Ms(Pages.Max())} ms; CPU {Ms(PageCpuMs)} ms per page | p95 < 100 ms | {Met(P(Pages, 0.95) < 100)} |");
        s.AppendLine(c, $"| of which with a search ({SearchedPages.Count}) | p50 {Ms(P(SearchedPages, 0.5))} ms, p95 {Ms(P(SearchedPages, 0.95))} ms | | |");
        s.AppendLine(c, $"| no filter, every sort both ways ({UnfilteredPages.Count}) | p50 {Ms(P(UnfilteredPages, 0.5))} ms, p95 {Ms(P(UnfilteredPages, 0.95))} ms | | |");
        s.AppendLine(c, $"| stats ({Stats.Count} calls) | p50 {Ms(P(Stats, 0.5))} ms, p95 {Ms(P(Stats, 0.95))} ms; CPU {Ms(StatsCpuMs)} ms per call | < 50 ms | {Met(P(Stats, 0.95) < 50)} |");
        s.AppendLine(c, $"| session table memory (GC heap after - before loading) | {BytesPerSession:F0} B/session ({HeapBefore / 1e6:F0} MB -> {HeapAfter / 1e6:F0} MB) | < 1 KB | {Met(BytesPerSession < 1024)} |");
        s.AppendLine(c, $"| user logout, 100 sessions ({UserLogouts.Count} users) | median {Ms(P(UserLogouts, 0.5))} ms, max {Ms(UserLogouts.Max())} ms | < 50 ms | {Met(UserLogouts.Max() < 50)} |");
        s.AppendLine(c, $"| denylist, 100 sessions ({Denylists.Count} users) | median {Ms(P(Denylists, 0.5))} ms, max {Ms(Denylists.Max())} ms | < 50 ms | {Met(Denylists.Max() < 50)} |");
        s.AppendLine(c, $"| tenant logout-all (single silo: returns once every silo's cache holds the marker) ({LogoutAll.Count} calls) | median {Ms(P(LogoutAll, 0.5))} ms, max {Ms(LogoutAll.Max())} ms | < 100 ms on every silo | {Met(LogoutAll.Max() < 100)} |");
        foreach (var f in Cursors)
        {
            var ratio = P(f.ByCursor, 0.5) / P(f.First, 0.5);
            s.AppendLine(c, $"| page {CursorMeasurements.DeepPage} by cursor vs page 1, `{f.List}&pageSize={CursorMeasurements.PageSize}` ({f.First.Count} interleaved runs) | " +
                $"page 1 p50 {Ms(P(f.First, 0.5))}, p95 {Ms(P(f.First, 0.95))} ms; by cursor p50 {Ms(P(f.ByCursor, 0.5))}, p95 {Ms(P(f.ByCursor, 0.95))} ms; " +
                $"ratio of medians {ratio:F2}, paired ratio p50 {f.PairedRatio(0.5):F2} (p95 {f.PairedRatio(0.95):F2}); " +
                $"by offset {(CursorMeasurements.DeepPage - 1) * CursorMeasurements.PageSize:N0} p50 {Ms(P(f.ByOffset, 0.5))}, p95 {Ms(P(f.ByOffset, 0.95))} ms (paired ratio p50 {f.PairedOffsetRatio(0.5):F2}); " +
                $"walk of {f.Walk.Count} cursor steps p50 {Ms(P(f.Walk, 0.5))}, max {Ms(f.Walk.Max())} ms | ≤ 1.5× | {Met(ratio <= 1.5)} |");
        }

        s.AppendLine(c, $"| first query after start (activates and loads every shard) | {LoadSeconds:F1} s | | |");
        s.AppendLine(c, $"| seeding (bulk insert, benchmark only) | {SeedSeconds:F1} s, database {DatabaseBytes / 1e6:F0} MB | | |");
        s.AppendLine();
        s.AppendLine(c, $"Matches per query: min {MatchTotals.Min:N0}, median {MatchTotals.Median:N0}, max {MatchTotals.Max:N0}. Stats: {StatsSample}. After logout-all: {StatsAfterLogoutAll}.");
        s.AppendLine();
        s.AppendLine("Slowest pages:");
        s.AppendLine();
        foreach (var (ms, query, total) in SlowestQueries)
        {
            s.AppendLine(c, $"- {Ms(ms)} ms, {total:N0} matches: `{query}`");
        }

        return s.ToString();
    }

    private static double P(IReadOnlyList<double> values, double q) => Measurements.Percentile(values, q);
}
