using System.Text.Json.Nodes;
using Microsoft.Playwright;

namespace SessionGrains.Tests.Infrastructure.Browser;

/// <summary>
/// One browser context (its own cookies: one person's browser) and its page. Disposing closes
/// the context; when <c>SESSIONGRAINS_BROWSER_TRACES</c> is set, it first saves the context's
/// Playwright trace as <c>traces/&lt;test&gt;-&lt;n&gt;.zip</c> beside the test binaries (open it
/// with Playwright's trace viewer).
/// </summary>
public sealed class ConsolePage : IAsyncDisposable
{
    /// <summary>The console session's cookie, as the server names it.</summary>
    public const string CookieName = "sg_console";

    /// <summary>Set (to anything) to record a trace of every browser test.</summary>
    public const string TracesVariable = "SESSIONGRAINS_BROWSER_TRACES";

    private static int _traces;
    private readonly List<string> _errors = [];
    private readonly string _test;
    private readonly bool _tracing;

    private ConsolePage(IBrowserContext context, IPage page, Uri site, string test, bool tracing)
    {
        Context = context;
        Page = page;
        Site = site;
        _test = test;
        _tracing = tracing;
        // Script errors and console errors (a CSP violation is one) are kept for tests to assert on.
        page.PageError += (_, error) => Add($"page error: {error}");
        page.Console += (_, message) =>
        {
            // Chromium logs every API answer that is not 2xx ("Failed to load resource: … status of
            // 404"); the console asks for such answers on purpose (a 401 on load means "not
            // signed in", a 404 "user not denylisted") and shows them in words, so an API answer is
            // not a page error. A failed load of anything else (a module, the stylesheet) is.
            if (message.Type == "error" && !IsApiAnswer(message))
            {
                Add($"console error: {message.Text}");
            }
        };
    }

    /// <summary>The browser context: cookies, storage, its own request API.</summary>
    public IBrowserContext Context { get; }

    /// <summary>The context's page.</summary>
    public IPage Page { get; }

    /// <summary>The silo this page talks to.</summary>
    public Uri Site { get; }

    /// <summary>The key this page signed in with; null when it has not signed in.</summary>
    public ConsoleApiKey? Key { get; internal set; }

    /// <summary>Script errors and console errors (but the API's non-2xx answers) the page has reported so far.</summary>
    public IReadOnlyList<string> Errors
    {
        get
        {
            lock (_errors)
            {
                return [.. _errors];
            }
        }
    }

    /// <summary>Asserts the page has reported no error, naming each in full when it has.</summary>
    public void AssertNoErrors()
    {
        var errors = Errors;
        Assert.True(errors.Count == 0, $"The page reported {errors.Count} error(s):\n{string.Join("\n", errors)}");
    }

    /// <summary>An element by its <c>data-testid</c>.</summary>
    public ILocator ByTestId(string testId) => Page.GetByTestId(testId);

    /// <summary>The session table's row of <paramref name="sessionId"/>.</summary>
    public ILocator SessionRow(string sessionId) =>
        Page.Locator($"[data-testid=\"session-row\"][data-session-id=\"{sessionId}\"]");

    /// <summary>The console cookie's value in this context, null when it has none.</summary>
    public async Task<string?> CookieAsync() =>
        (await Context.CookiesAsync([Site.ToString()])).FirstOrDefault(c => c.Name == CookieName)?.Value;

    /// <summary>
    /// Signs this context in with <paramref name="key"/> by <c>POST /api/v1/console/session</c>
    /// from the context's own request API, which shares the context's cookie jar: the Set-Cookie
    /// lands there with the attributes the server gave it (HttpOnly, SameSite=Strict). The page
    /// is not touched; <see cref="BrowserFixture.SignInAsync"/> also opens the console.
    /// </summary>
    public async Task SignInThroughApiAsync(ConsoleApiKey key)
    {
        var response = await Context.APIRequest.PostAsync("/api/v1/console/session", new APIRequestContextOptions
        {
            Headers = new Dictionary<string, string> { ["Authorization"] = $"Bearer {key.Key}" },
        });
        Assert.True(response.Status == 200, $"Console sign-in of {key} answered {response.Status}: {await response.TextAsync()}");
        Assert.NotNull(await CookieAsync());
        Key = key;
    }

    /// <summary>
    /// This context's console session (<c>GET /api/v1/console/session</c> with the context's
    /// cookie): sessionId, csrfToken, keyName, role…; null when the server answers 401.
    /// </summary>
    public async Task<JsonObject?> ConsoleSessionAsync()
    {
        var response = await Context.APIRequest.GetAsync("/api/v1/console/session");
        if (response.Status == 401)
        {
            return null;
        }

        Assert.True(response.Status == 200, $"GET /api/v1/console/session answered {response.Status}: {await response.TextAsync()}");
        return JsonNode.Parse(await response.TextAsync())!.AsObject();
    }

    internal static async Task<ConsolePage> OpenAsync(IBrowser browser, Uri site, string test)
    {
        var context = await browser.NewContextAsync(Chromium.ContextOptions(site));
        try
        {
            context.SetDefaultTimeout(30_000);
            context.SetDefaultNavigationTimeout(30_000);
            var tracing = Environment.GetEnvironmentVariable(TracesVariable) is { Length: > 0 };
            if (tracing)
            {
                await context.Tracing.StartAsync(new TracingStartOptions { Screenshots = true, Snapshots = true, Title = test });
            }

            var page = await context.NewPageAsync();
            return new ConsolePage(context, page, site, test, tracing);
        }
        catch
        {
            await context.CloseAsync();
            throw;
        }
    }

    private static bool IsApiAnswer(IConsoleMessage message) =>
        message.Text.StartsWith("Failed to load resource: the server responded", StringComparison.Ordinal)
        && message.Location.Contains("/api/v1/", StringComparison.Ordinal);

    private void Add(string error)
    {
        lock (_errors)
        {
            _errors.Add(error);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (_tracing)
            {
                var folder = Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "traces")).FullName;
                var name = $"{(_test.Length > 0 ? _test : "test")}-{Interlocked.Increment(ref _traces)}.zip";
                await Context.Tracing.StopAsync(new TracingStopOptions { Path = Path.Combine(folder, name) });
            }
        }
        finally
        {
            await Context.CloseAsync();
        }
    }
}
