using System.Net;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;
using SessionGrains.Tests.Infrastructure;
using SessionGrains.Tests.Infrastructure.Browser;
using static Microsoft.Playwright.Assertions;

namespace SessionGrains.Tests.Console;

/// <summary>
/// A silo of these tests' own whose session clock they move (the shared one keeps the real clock,
/// which the browser's relative times are read against). It starts at the real now.
/// </summary>
public sealed class MovableClockSilo : IAsyncLifetime
{
    public FakeTimeProvider Time { get; } = new(ConsoleSilo.RealNow());

    public ConsoleSilo Site { get; private set; } = null!;

    public async Task InitializeAsync() => Site = await ConsoleSilo.StartAsync(Time);

    public async Task DisposeAsync() => await Site.DisposeAsync();
}

/// <summary>
/// The console session follows the tenant's policy like any session: idle for longer than the
/// idle timeout, or older than the absolute lifetime, and the console is signed out at its next
/// request. Every request the console makes counts as activity.
/// </summary>
[Trait("Category", "Browser")]
[Collection(BrowserCollection.Name)]
public sealed class ConsoleTimeoutTests(BrowserFixture fixture, MovableClockSilo silo) : IClassFixture<MovableClockSilo>
{
    [Fact]
    public async Task An_idle_console_is_signed_out_and_an_active_one_is_not()
    {
        var key = await TenantKeyAsync(idleTimeoutSeconds: 300, absoluteLifetimeSeconds: 36_000);
        await using var console = await fixture.NewConsoleAsync(key);
        var session = (await console.ConsoleSessionAsync())!;
        Assert.Equal(silo.Time.GetUtcNow().AddSeconds(300), session["idleExpiresAt"]!.GetValue<DateTimeOffset>());

        // Two gaps of 200 s, with a request between them: never 300 s idle.
        silo.Time.Advance(TimeSpan.FromSeconds(200));
        await RefreshAsync(console, expectStatus: 200);
        silo.Time.Advance(TimeSpan.FromSeconds(200));
        await RefreshAsync(console, expectStatus: 200);
        await Expect(console.ByTestId("whoami")).ToBeVisibleAsync();

        silo.Time.Advance(TimeSpan.FromSeconds(301));
        await RefreshAsync(console, expectStatus: 401);
        await Expect(console.ByTestId("signin-form")).ToBeVisibleAsync();
        await Expect(console.ByTestId("signin-notice")).ToContainTextAsync("ended");
        Assert.Equal("idle_timeout", (await silo.Site.SessionAsync(key.TenantId, session.Str("sessionId")))["endReason"]?.GetValue<string>());
    }

    [Fact]
    public async Task A_console_older_than_the_absolute_lifetime_is_signed_out_however_active()
    {
        var key = await TenantKeyAsync(idleTimeoutSeconds: 0, absoluteLifetimeSeconds: 600);
        await using var console = await fixture.NewConsoleAsync(key);
        var session = (await console.ConsoleSessionAsync())!;
        Assert.Equal(silo.Time.GetUtcNow().AddSeconds(600), session["expiresAt"]!.GetValue<DateTimeOffset>());

        silo.Time.Advance(TimeSpan.FromSeconds(590));
        await RefreshAsync(console, expectStatus: 200);
        silo.Time.Advance(TimeSpan.FromSeconds(20));
        await RefreshAsync(console, expectStatus: 401);
        await Expect(console.ByTestId("signin-notice")).ToContainTextAsync("ended");
        (await silo.Site.SendWithCookieAsync(HttpMethod.Get, "/api/v1/console/session", (await console.CookieAsync()) ?? "none"))
            .Expect(HttpStatusCode.Unauthorized);
    }

    private async Task<ConsoleApiKey> TenantKeyAsync(int idleTimeoutSeconds, int absoluteLifetimeSeconds)
    {
        var tenantId = await silo.Site.CreateTenantAsync();
        (await silo.Site.Api.PutAsync($"/api/v1/tenants/{tenantId}/policy", silo.Site.Api.OperatorKey, new
        {
            idleTimeoutSeconds,
            absoluteLifetimeSeconds,
            maxSessionsPerUser = 0,
            onSessionLimit = "deny",
            refreshReuseGraceSeconds = 0,
        })).Expect(HttpStatusCode.OK);
        return await silo.Site.CreateKeyAsync(tenantId, "tenant-admin");
    }

    /// <summary>
    /// Clicks the table's refresh, which asks for the list and the stats. Signed in, both answer
    /// (and both are waited for, so no late answer is taken for the next refresh's); signed out,
    /// the first 401 signs the console out at once and it drops the other request.
    /// </summary>
    private static async Task RefreshAsync(ConsolePage console, int expectStatus)
    {
        var sessions = $"/api/v1/tenants/{console.Key!.TenantId}/sessions";
        bool Of(IResponse r, string path) => r.Request.Method == "GET" && new Uri(r.Url).AbsolutePath == path;
        if (expectStatus == 200)
        {
            var list = console.Page.WaitForResponseAsync(r => Of(r, sessions));
            var stats = console.Page.WaitForResponseAsync(r => Of(r, $"{sessions}/stats"));
            await console.ByTestId("refresh").ClickAsync();
            Assert.Equal(200, (await list).Status);
            Assert.Equal(200, (await stats).Status);
            return;
        }

        var first = await console.Page.RunAndWaitForResponseAsync(
            () => console.ByTestId("refresh").ClickAsync(), r => Of(r, sessions) || Of(r, $"{sessions}/stats"));
        Assert.Equal(expectStatus, first.Status);
    }
}
