using System.Runtime.CompilerServices;
using Microsoft.Playwright;

namespace SessionGrains.Tests.Infrastructure.Browser;

/// <summary>
/// What the browser tests of a collection share: one real silo (SQLite, the real clock, so the
/// console's relative times agree with the browser's clock) and one headless Chromium. Each test
/// opens its own contexts (<see cref="NewConsoleAsync(ConsoleApiKey, SignInBy, string, string)"/>,
/// <see cref="NewPageAsync"/>): separate cookies, as separate browsers would have.
/// </summary>
public sealed class BrowserFixture : IAsyncLifetime
{
    /// <summary>
    /// The upper bound of every auto-waiting <c>Expect(…)</c> assertion: generous, since it costs
    /// nothing when the page is quick and the whole suite shares 2 cores.
    /// </summary>
    public static readonly TimeSpan ExpectTimeout = TimeSpan.FromSeconds(20);

    private IPlaywright? _playwright;

    /// <summary>The silo the tests' pages talk to.</summary>
    public ConsoleSilo Site { get; private set; } = null!;

    /// <summary>The silo's API with the operator key.</summary>
    public ApiClient Api => Site.Api;

    /// <summary>The one Chromium.</summary>
    public IBrowser Browser { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Assertions.SetDefaultExpectTimeout((float)ExpectTimeout.TotalMilliseconds);
        var site = ConsoleSilo.StartAsync();
        _playwright = await Microsoft.Playwright.Playwright.CreateAsync();
        Browser = await Chromium.LaunchAsync(_playwright);
        Site = await site;
    }

    /// <summary>Creates a tenant on the shared silo (id <c>prefix-…</c>) and returns its id.</summary>
    public Task<string> CreateTenantAsync(string prefix = "con") => Site.CreateTenantAsync(prefix);

    /// <summary>Creates a key of <paramref name="role"/> on the shared silo; see <see cref="ConsoleSilo.CreateKeyAsync"/>.</summary>
    public Task<ConsoleApiKey> CreateKeyAsync(string tenantId, string role, string? microtenantId = null, string? name = null) =>
        Site.CreateKeyAsync(tenantId, role, microtenantId, name);

    /// <summary>A new tenant on the shared silo and a key of <paramref name="role"/> in it.</summary>
    public async Task<ConsoleApiKey> NewTenantKeyAsync(string role = "tenant-admin", string? name = null) =>
        await Site.CreateKeyAsync(await Site.CreateTenantAsync(), role, name: name);

    /// <summary>A fresh browser context on <paramref name="site"/> (the shared silo by default), not signed in, on a blank page.</summary>
    public Task<ConsolePage> NewPageAsync(Uri? site = null, [CallerMemberName] string test = "") =>
        ConsolePage.OpenAsync(Browser, site ?? Site.BaseAddress, test);

    /// <summary>
    /// A fresh browser context signed in to the console with a new tenant's key of
    /// <paramref name="role"/>, showing <paramref name="path"/>.
    /// </summary>
    public async Task<ConsolePage> NewConsoleAsync(
        string role = "tenant-admin", SignInBy by = SignInBy.Api, string path = "/", [CallerMemberName] string test = "") =>
        await NewConsoleAsync(await NewTenantKeyAsync(role), by, path, test);

    /// <summary>
    /// A fresh browser context signed in with <paramref name="key"/> (on the key's silo), showing
    /// <paramref name="path"/> (e.g. <c>/#/sessions?search=ada</c>) once the console's shell is up
    /// (<c>whoami</c> visible).
    /// </summary>
    public async Task<ConsolePage> NewConsoleAsync(
        ConsoleApiKey key, SignInBy by = SignInBy.Api, string path = "/", [CallerMemberName] string test = "")
    {
        var console = await ConsolePage.OpenAsync(Browser, key.Site, test);
        try
        {
            await SignInAsync(console, key, by);
            if (path != "/")
            {
                await console.Page.GotoAsync(path);
            }

            await Assertions.Expect(console.ByTestId("whoami")).ToBeVisibleAsync();
            return console;
        }
        catch
        {
            await console.DisposeAsync();
            throw;
        }
    }

    /// <summary>Signs <paramref name="console"/>'s context in with <paramref name="key"/>.</summary>
    public static async Task SignInAsync(ConsolePage console, ConsoleApiKey key, SignInBy by = SignInBy.Api)
    {
        if (by == SignInBy.Api)
        {
            await console.SignInThroughApiAsync(key);
            await console.Page.GotoAsync("/");
        }
        else
        {
            await console.Page.GotoAsync("/");
            await console.ByTestId("signin-key").FillAsync(key.Key);
            await console.ByTestId("signin-submit").ClickAsync();
        }

        await Assertions.Expect(console.ByTestId("whoami")).ToBeVisibleAsync();
        console.Key = key;
    }

    public async Task DisposeAsync()
    {
        if (Browser is not null)
        {
            await Browser.CloseAsync();
        }

        _playwright?.Dispose();
        if (Site is not null)
        {
            await Site.DisposeAsync();
        }
    }
}

/// <summary>The browser tests' collection: one <see cref="BrowserFixture"/> shared, the tests run one at a time.</summary>
[CollectionDefinition(Name)]
public sealed class BrowserCollection : ICollectionFixture<BrowserFixture>
{
    public const string Name = "browser";
}
