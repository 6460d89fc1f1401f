using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace SessionGrains.Bench.SessionTable;

/// <summary>
/// The console benchmark (<c>--console</c>): the web console in Debian's Chromium, driven by
/// Playwright, against the host on the seeded tenant. Two figures:
/// <list type="bullet">
/// <item>navigation to a filled table: from the navigation's start (the page's time origin) to the
/// first frame after the table's first row and its total are in the DOM, in a fresh browser
/// context (nothing cached, signed in by cookie beforehand), and again on a reload;</item>
/// <item>a search: from the moment the console sends the debounced request (its Resource Timing
/// start) to the first frame after the table shows the search's rows and total. The debounce
/// itself (the console waits 250 ms after the last keystroke) is left out; the last keystroke to
/// the updated table is reported beside it.</item>
/// </list>
/// The times are taken inside the page: a MutationObserver, installed before any of the
/// console's scripts, logs each change of the total's text or of the first row's session id with
/// <c>performance.now()</c>, and the next animation frame's time. Playwright only waits for the
/// expected state and then reads the log, so its own polling adds nothing to the figures.
/// </summary>
public sealed partial class ConsoleMeasurements(BenchHost host, Seeded seeded, BenchOptions options)
{
    public const double FilledTableTargetMs = 1000;
    public const double SearchTargetMs = 300;

    private const string Tenant = Seeder.TenantId;

    /// <summary>Debian's Chromium (the <c>chromium</c> package); Playwright's own browser download does not work here.</summary>
    private const string ChromiumPath = "/usr/bin/chromium";

    private const string Probe = """
        (() => {
          const bench = { log: [], lastInput: 0 };
          window.__bench = bench;
          document.addEventListener('input', () => { bench.lastInput = performance.now(); }, true);
          let last = '';
          new MutationObserver(() => {
            const total = document.querySelector('[data-testid="total"]');
            const row = document.querySelector('[data-testid="session-row"]');
            const entry = { t: performance.now(), total: total ? total.textContent : null, first: row ? row.getAttribute('data-session-id') : null, frame: null };
            const key = entry.total + '|' + entry.first;
            if (key === last) return;
            last = key;
            bench.log.push(entry);
            requestAnimationFrame(() => { entry.frame = performance.now(); });
          }).observe(document, { subtree: true, childList: true, characterData: true });
        })();
        """;

    /// <summary>The filled-table entry of the log and the list request's timing.</summary>
    private const string FilledScript = """
        () => {
          const e = window.__bench.log.find(x => x.first && /^Total [1-9][0-9,]* items$/.test(x.total));
          if (!e || e.frame === null) return null;
          const list = performance.getEntriesByType('resource').filter(r => r.name.includes('/sessions?'))[0];
          const nav = performance.getEntriesByType('navigation')[0];
          const stats = performance.getEntriesByType('resource').filter(r => r.name.includes('/sessions/stats'))[0];
          return { dom: e.t, frame: e.frame, total: e.total, requestStart: list ? list.startTime : -1, responseEnd: list ? list.responseEnd : -1,
                   sent: list ? list.requestStart : -1, firstByte: list ? list.responseStart : -1,
                   statsStart: stats ? stats.startTime : -1, statsEnd: stats ? stats.responseEnd : -1,
                   domContentLoaded: nav ? nav.domContentLoadedEventEnd : -1 };
        }
        """;

    /// <summary>The searched table's entry of the log and the search request's timing; null until its frame has run.</summary>
    private const string SearchedScript = """
        ([total, first, term]) => {
          const e = window.__bench.log.find(x => x.total === total && x.first === first);
          if (!e || e.frame === null) return null;
          const needle = new URLSearchParams({ search: term }).toString();
          const requests = performance.getEntriesByType('resource').filter(r => r.name.includes('/sessions?') && r.name.includes(needle));
          const request = requests[requests.length - 1];
          return { dom: e.t, frame: e.frame, requestStart: request ? request.startTime : -1, responseEnd: request ? request.responseEnd : -1,
                   requests: requests.length, lastInput: window.__bench.lastInput };
        }
        """;

    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);

    /// <summary>The browser's version, for the report (<c>chromium --version</c>'s number).</summary>
    public static string BrowserVersion()
    {
        try
        {
            using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo(ChromiumPath, "--version") { RedirectStandardOutput = true })!;
            var text = process.StandardOutput.ReadToEnd();
            process.WaitForExit(10_000);
            return Regex.Match(text, @"[0-9]+(\.[0-9]+)+").Value;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return "?";
        }
    }

    public async Task<ConsoleReport> RunAsync()
    {
        var report = new ConsoleReport(options);
        var key = await host.Api.CreateKeyAsync(Tenant, "tenant-admin");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args = ["--no-sandbox", "--disable-dev-shm-usage"],
        });
        Assertions.SetDefaultExpectTimeout((float)Wait.TotalMilliseconds);

        // One unrecorded run: the first JIT of the host's console and list routes, Chromium's own start.
        await NavigationRunAsync(browser, key, record: null);
        for (var run = 0; run < options.ConsoleRuns; run++)
        {
            await NavigationRunAsync(browser, key, report);
            var (fresh, reload) = (report.Fresh[^1], report.Reload[^1]);
            Console.WriteLine($"  navigation {run + 1}: fresh {fresh.FrameMs:F0} ms (list {fresh.ListServerMs:F0} ms, stats {(fresh.StatsEndMs > 0 ? $"{fresh.StatsEndMs - fresh.StatsStartMs:F0} ms" : "not yet answered")}, GC {fresh.GcPauseMs:F0} ms), " +
                $"reload {reload.FrameMs:F0} ms (list {reload.ListServerMs:F0} ms, GC {reload.GcPauseMs:F0} ms)");
        }

        await SearchRunsAsync(browser, key, report);
        await BaselineAsync(key, report);
        return report;
    }

    /// <summary>A fresh context, signed in by cookie; navigates to the table and reloads it.</summary>
    private async Task NavigationRunAsync(IBrowser browser, string key, ConsoleReport? record)
    {
        await using var context = await NewContextAsync(browser, key);
        var page = await context.NewPageAsync();
        // The host runs in this process: its GC pauses during the navigation are read beside it.
        var paused = GC.GetTotalPauseDuration();
        await page.GotoAsync("/#/sessions");
        var fresh = await FilledAsync(page) with { GcPauseMs = (GC.GetTotalPauseDuration() - paused).TotalMilliseconds };
        paused = GC.GetTotalPauseDuration();
        await page.ReloadAsync();
        var reload = await FilledAsync(page) with { GcPauseMs = (GC.GetTotalPauseDuration() - paused).TotalMilliseconds };
        if (record is not null)
        {
            record.Fresh.Add(fresh);
            record.Reload.Add(reload);
        }
    }

    private async Task<Filled> FilledAsync(IPage page)
    {
        await Assertions.Expect(page.GetByTestId("total")).ToHaveTextAsync(FilledTotal());
        var json = await (await page.WaitForFunctionAsync(FilledScript, null, new PageWaitForFunctionOptions { Timeout = (float)Wait.TotalMilliseconds }))
            .JsonValueAsync<JsonElement>();
        var shown = long.Parse(Regex.Replace(json.GetProperty("total").GetString()!, "[^0-9]", ""), CultureInfo.InvariantCulture);
        if (shown < seeded.Sessions)
        {
            throw new InvalidOperationException($"The console shows {shown:N0} sessions, {seeded.Sessions:N0} were seeded.");
        }

        double Get(string name) => json.GetProperty(name).GetDouble();
        return new Filled(
            Get("frame"), Get("dom"), Get("requestStart"), Get("responseEnd"), Get("domContentLoaded"),
            Get("sent"), Get("firstByte"), Get("statsStart"), Get("statsEnd"));
    }

    /// <summary>One page at the table; each term typed (a key every 40 ms, inside the debounce) after clearing the box.</summary>
    private async Task SearchRunsAsync(IBrowser browser, string key, ConsoleReport report)
    {
        await using var context = await NewContextAsync(browser, key);
        var page = await context.NewPageAsync();
        await page.GotoAsync("/#/sessions");
        await FilledAsync(page);
        var unfiltered = await page.GetByTestId("total").TextContentAsync();
        var search = page.GetByTestId("search");
        var terms = Terms().Take(options.ConsoleRuns + 2).ToList();
        for (var i = 0; i < terms.Count; i++)
        {
            var term = terms[i];
            if (i > 0)
            {
                await search.FillAsync("");
                await Assertions.Expect(page.GetByTestId("total")).ToHaveTextAsync(unfiltered!);
                await Assertions.Expect(page).Not.ToHaveURLAsync(SearchInHash());
            }

            // What the console will ask for (its default view: every status, newest first, 25 rows).
            var expected = (await host.Api.GetAsync($"/api/v1/tenants/{Tenant}/sessions?search={Uri.EscapeDataString(term)}&sort=-createdAt&pageSize=25&page=1"))
                .Expect(HttpStatusCode.OK).Json;
            var total = expected["total"]!.GetValue<long>();
            var first = expected["items"]!.AsArray().FirstOrDefault()?["sessionId"]?.GetValue<string>();
            var totalText = string.Create(CultureInfo.GetCultureInfo("en-US"), $"Total {total:N0} items");

            await page.EvaluateAsync("() => { window.__bench.log.length = 0; }");
            await search.PressSequentiallyAsync(term, new LocatorPressSequentiallyOptions { Delay = 40 });
            await Assertions.Expect(page.GetByTestId("total")).ToHaveTextAsync(totalText);
            var json = await (await page.WaitForFunctionAsync(
                    SearchedScript, new object?[] { totalText, first, term },
                    new PageWaitForFunctionOptions { Timeout = (float)Wait.TotalMilliseconds }))
                .JsonValueAsync<JsonElement>();
            var searched = new Searched(
                term, total, json.GetProperty("requests").GetInt32(), json.GetProperty("lastInput").GetDouble(),
                json.GetProperty("requestStart").GetDouble(), json.GetProperty("responseEnd").GetDouble(),
                json.GetProperty("dom").GetDouble(), json.GetProperty("frame").GetDouble());
            if (searched.RequestStart < 0)
            {
                throw new InvalidOperationException($"No request for the search '{term}' was seen.");
            }

            // The first two only warm up the search path; the rest are recorded.
            if (i >= 2)
            {
                report.Searches.Add(searched);
            }

            Console.WriteLine($"  search '{term}' ({total:N0} matches): request to table {searched.RequestToFrameMs:F0} ms " +
                $"(server {searched.ServerMs:F0} ms), last key to table {searched.KeyToFrameMs:F0} ms, {searched.Requests} request(s)");
        }
    }

    /// <summary>
    /// The console's first list request sent by a plain HTTP client, without a browser: with the
    /// operator key alone and beside the stats; with a console cookie alone; with the cookie among
    /// the requests a navigation sends at once (session check, then microtenants, list, stats and
    /// saved filters together); and the same right after a new console sign-in, as a fresh
    /// context's navigation follows one. What the host takes for them with no browser running.
    /// </summary>
    private async Task BaselineAsync(string key, ConsoleReport report)
    {
        var list = $"/api/v1/tenants/{Tenant}/sessions?sort=-createdAt&pageSize=25&page=1";
        var stats = $"/api/v1/tenants/{Tenant}/sessions/stats";
        using var http = new HttpClient { BaseAddress = host.BaseAddress, Timeout = Wait };
        async Task<string> SignInAsync()
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/console/session");
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
            using var response = await http.SendAsync(request);
            response.EnsureSuccessStatusCode();
            return response.Headers.GetValues("Set-Cookie").Single(v => v.StartsWith("sg_console=", StringComparison.Ordinal)).Split(';')[0];
        }

        async Task<double> GetAsync(string path, string cookie)
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, path);
            request.Headers.Add("Cookie", cookie);
            var clock = System.Diagnostics.Stopwatch.StartNew();
            using var response = await http.SendAsync(request);
            await response.Content.ReadAsStringAsync();
            response.EnsureSuccessStatusCode();
            return clock.Elapsed.TotalMilliseconds;
        }

        async Task<double> NavigationSetAsync(string cookie)
        {
            await GetAsync("/api/v1/console/session", cookie);
            var set = await Task.WhenAll(
                GetAsync($"/api/v1/tenants/{Tenant}/microtenants?pageSize=500", cookie), GetAsync(list, cookie), GetAsync(stats, cookie),
                GetAsync("/api/v1/me/filters?pageSize=100", cookie));
            return set[1];
        }

        var signedIn = await SignInAsync();
        for (var i = 0; i < options.ConsoleRuns + 2; i++)
        {
            var alone = (await host.Api.GetAsync(list)).Expect(HttpStatusCode.OK).Milliseconds;
            var both = await Task.WhenAll(host.Api.GetAsync(list), host.Api.GetAsync(stats));
            var cookieAlone = await GetAsync(list, signedIn);
            var inSet = await NavigationSetAsync(signedIn);
            var afterSignIn = await NavigationSetAsync(await SignInAsync());
            if (i >= 2)
            {
                report.ListAlone.Add(alone);
                report.ListBesideStats.Add(both[0].Expect(HttpStatusCode.OK).Milliseconds);
                report.ListCookieAlone.Add(cookieAlone);
                report.ListInNavigationSet.Add(inSet);
                report.ListAfterSignIn.Add(afterSignIn);
            }
        }
    }

    /// <summary>A context as the tests' fixture makes one (viewport, locale, time zone), signed in to the console by its cookie.</summary>
    private async Task<IBrowserContext> NewContextAsync(IBrowser browser, string key)
    {
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = host.BaseAddress.ToString().TrimEnd('/'),
            ViewportSize = new ViewportSize { Width = 1440, Height = 900 },
            Locale = "en-US",
            TimezoneId = "UTC",
        });
        var response = await context.APIRequest.PostAsync("/api/v1/console/session", new APIRequestContextOptions
        {
            Headers = new Dictionary<string, string> { ["Authorization"] = $"Bearer {key}" },
        });
        if (response.Status != 200)
        {
            throw new InvalidOperationException($"Console sign-in answered {response.Status}: {await response.TextAsync()}");
        }

        await context.AddInitScriptAsync(Probe);
        return context;
    }

    /// <summary>
    /// Search terms taken from the seeded data, as an admin would type them: user ids, email local
    /// parts, addresses, words; from very selective to broad, and one that matches nothing.
    /// </summary>
    private IEnumerable<string> Terms()
    {
        string[] words = ["chrome", "contoso", "lovelace", "2001:db8:", "zzzz-nothing", "safari on ios"];
        for (var i = 0; ; i++)
        {
            yield return (i % 4) switch
            {
                0 => seeded.SampleUserIds[(i * 7) % seeded.SampleUserIds.Count],
                1 => seeded.SampleEmails[(i * 11) % seeded.SampleEmails.Count].Split('@')[0],
                2 => seeded.SampleIps[(i * 13) % seeded.SampleIps.Count],
                _ => words[(i / 4) % words.Length],
            };
        }
    }

    [GeneratedRegex("^Total [1-9][0-9,]* items$")]
    private static partial Regex FilledTotal();

    [GeneratedRegex("[?&]search=")]
    private static partial Regex SearchInHash();
}

/// <summary>
/// One navigation: times from the navigation's start, in ms. The list request's: fetch called
/// (<paramref name="RequestStartMs"/>), sent (<paramref name="SentMs"/>), first byte, last byte;
/// the stats request's, which the console sends beside it.
/// </summary>
public sealed record Filled(
    double FrameMs, double DomMs, double RequestStartMs, double ResponseEndMs, double DomContentLoadedMs,
    double SentMs, double FirstByteMs, double StatsStartMs, double StatsEndMs)
{
    /// <summary>Request sent to its first byte: the host's time, plus loopback.</summary>
    public double ListServerMs => FirstByteMs - SentMs;

    /// <summary>The host process's GC pauses between the navigation's start and the filled table (read by the benchmark, not the page).</summary>
    public double GcPauseMs { get; init; }
}

/// <summary>One search: page times (performance.now()) of the last input, the request, the DOM update and the next frame.</summary>
public sealed record Searched(string Term, long Total, int Requests, double LastInput, double RequestStart, double ResponseEnd, double Dom, double Frame)
{
    public double RequestToFrameMs => Frame - RequestStart;
    public double RequestToDomMs => Dom - RequestStart;
    public double ServerMs => ResponseEnd - RequestStart;
    public double KeyToFrameMs => Frame - LastInput;
}

/// <summary>The console benchmark's figures and their markdown.</summary>
public sealed class ConsoleReport(BenchOptions options)
{
    public List<Filled> Fresh { get; } = [];
    public List<Filled> Reload { get; } = [];
    public List<Searched> Searches { get; } = [];
    public List<double> ListAlone { get; } = [];
    public List<double> ListBesideStats { get; } = [];
    public List<double> ListCookieAlone { get; } = [];
    public List<double> ListInNavigationSet { get; } = [];
    public List<double> ListAfterSignIn { get; } = [];

    public bool AllMet => Median(Fresh.Select(f => f.FrameMs)) < ConsoleMeasurements.FilledTableTargetMs
        && Median(Searches.Select(s => s.RequestToFrameMs)) < ConsoleMeasurements.SearchTargetMs;

    public string ToMarkdown(string browserVersion)
    {
        var c = CultureInfo.InvariantCulture;
        var s = new StringBuilder();
        string Figures(IEnumerable<double> values)
        {
            var list = values.ToList();
            return list.Count == 0 ? "none" : string.Create(c, $"median {Median(list):F0} ms, max {list.Max():F0} ms");
        }

        string Met(IEnumerable<double> values, double target) => Median(values) < target ? "met" : "**missed**";
        s.AppendLine(c, $"{options.Sessions:N0} sessions in one tenant, {options.Shards} shards, one silo on SQLite; Chromium {browserVersion} (Debian), headless, " +
            $"1440×900, driven by Playwright, on the same 2 cores as the host. Load average {Report.LoadAverage} at the end.");
        s.AppendLine();
        s.AppendLine("| what | measured | target | |");
        s.AppendLine("|---|---|---|---|");
        s.AppendLine(c, $"| navigation to a filled table (first row and total), fresh browser context ({Fresh.Count} runs) | {Figures(Fresh.Select(f => f.FrameMs))} | < 1 s | {Met(Fresh.Select(f => f.FrameMs), ConsoleMeasurements.FilledTableTargetMs)} |");
        s.AppendLine(c, $"| of which: the page and its modules loaded (DOMContentLoaded) | {Figures(Fresh.Select(f => f.DomContentLoadedMs))} | | |");
        s.AppendLine(c, $"| of which: the list request asked for, answered | asked at {Figures(Fresh.Select(f => f.RequestStartMs))}; took {Figures(Fresh.Select(f => f.ResponseEndMs - f.RequestStartMs))}, of which sent to first byte {Figures(Fresh.Select(f => f.ListServerMs))} | | |");
        s.AppendLine(c, $"| beside it: the stats request (the runs where it had answered by then: {Fresh.Count(f => f.StatsEndMs > 0)}) | took {Figures(Fresh.Where(f => f.StatsEndMs > 0).Select(f => f.StatsEndMs - f.StatsStartMs))} | | |");
        s.AppendLine(c, $"| after the list's answer: drawn to the next frame | {Figures(Fresh.Select(f => f.FrameMs - f.ResponseEndMs))} | | |");
        s.AppendLine(c, $"| the host's GC pauses meanwhile (in-process host) | {Figures(Fresh.Select(f => f.GcPauseMs))} | | |");
        s.AppendLine(c, $"| the same on a reload ({Reload.Count} runs) | {Figures(Reload.Select(f => f.FrameMs))}; list sent to first byte {Figures(Reload.Select(f => f.ListServerMs))}, stats took {Figures(Reload.Where(f => f.StatsEndMs > 0).Select(f => f.StatsEndMs - f.StatsStartMs))}, GC pauses {Figures(Reload.Select(f => f.GcPauseMs))} | | |");
        s.AppendLine(c, $"| for comparison: that list request from a plain HTTP client, no browser ({ListAlone.Count} each) | operator key: alone {Figures(ListAlone)}, beside the stats {Figures(ListBesideStats)}; console cookie: alone {Figures(ListCookieAlone)}, among a navigation's requests {Figures(ListInNavigationSet)}, the same right after a new console sign-in {Figures(ListAfterSignIn)} | | |");
        s.AppendLine(c, $"| search: debounced request sent to the updated table ({Searches.Count} searches) | {Figures(Searches.Select(x => x.RequestToFrameMs))} | < 300 ms | {Met(Searches.Select(x => x.RequestToFrameMs), ConsoleMeasurements.SearchTargetMs)} |");
        s.AppendLine(c, $"| of which: the request answered | {Figures(Searches.Select(x => x.ServerMs))} | | |");
        s.AppendLine(c, $"| search: last keystroke to the updated table (includes the 250 ms debounce) | {Figures(Searches.Select(x => x.KeyToFrameMs))} | | |");
        s.AppendLine();
        s.AppendLine("Searches: " + string.Join(", ", Searches.Select(x => string.Create(c, $"`{x.Term}` {x.Total:N0} matches {x.RequestToFrameMs:F0} ms"))) + ".");
        if (Searches.Any(x => x.Requests != 1))
        {
            s.AppendLine();
            s.AppendLine("Some searches sent more than one request while typing: " + string.Join(", ", Searches.Where(x => x.Requests != 1).Select(x => $"`{x.Term}` ({x.Requests})")) + ".");
        }

        return s.ToString();
    }

    private static double Median(IEnumerable<double> values) => Measurements.Percentile(values.ToList(), 0.5);
}
