using System.Net;
using SessionGrains.Tests.Infrastructure;
using SessionGrains.Tests.Infrastructure.Browser;
using static Microsoft.Playwright.Assertions;

namespace SessionGrains.Tests.Console;

/// <summary>
/// A console session is a session like any other: ending it from another browser (another admin's
/// console, in the table) signs the first browser out at its next request.
/// </summary>
[Trait("Category", "Browser")]
[Collection(BrowserCollection.Name)]
public sealed class ConsoleOtherBrowserTests(BrowserFixture fixture)
{
    [Fact]
    public async Task Terminating_a_console_session_in_another_browser_signs_that_browser_out()
    {
        var tenantId = await fixture.CreateTenantAsync();
        var keyA = await fixture.CreateKeyAsync(tenantId, "tenant-admin", name: "Admin A");
        var keyB = await fixture.CreateKeyAsync(tenantId, "tenant-admin", name: "Admin B");
        await using var a = await fixture.NewConsoleAsync(keyA);
        var sessionA = (await a.ConsoleSessionAsync())!.Str("sessionId");
        var cookieA = await a.CookieAsync();
        await using var b = await fixture.NewConsoleAsync(keyB);
        var sessionB = (await b.ConsoleSessionAsync())!.Str("sessionId");

        // B's own row warns before B ends its own console session; B cancels.
        await b.SessionRow(sessionB).GetByTestId("row-terminate").ClickAsync();
        await Expect(b.ByTestId("confirm-dialog")).ToBeVisibleAsync();
        await Expect(b.ByTestId("own-session-warning")).ToBeVisibleAsync();
        await b.ByTestId("confirm-cancel").ClickAsync();
        await Expect(b.ByTestId("confirm-dialog")).Not.ToBeVisibleAsync();

        // A's row: no such warning; B confirms.
        var rowA = b.SessionRow(sessionA);
        await Expect(rowA.GetByTestId("current-session-tag")).ToHaveCountAsync(0);
        await rowA.GetByTestId("row-terminate").ClickAsync();
        await Expect(b.ByTestId("confirm-dialog")).ToBeVisibleAsync();
        await Expect(b.ByTestId("own-session-warning")).Not.ToBeVisibleAsync();
        // The console may end one session by DELETE …/sessions/{id} or by POST …/sessions/terminate.
        var ending = await b.Page.RunAndWaitForResponseAsync(
            () => b.ByTestId("confirm-ok").ClickAsync(),
            r => r.Request.Method is "DELETE" or "POST" && r.Url.Contains($"/api/v1/tenants/{tenantId}/sessions", StringComparison.Ordinal));
        Assert.True(ending.Ok, $"{ending.Request.Method} {ending.Url} answered {ending.Status}");
        await Expect(b.ByTestId("toast").First).ToBeVisibleAsync();
        Assert.Equal("admin_terminated", (await fixture.Site.SessionAsync(tenantId, sessionA)).Str("endReason"));

        // A's next request (a refresh of its table) finds the session ended: A is signed out and told why.
        await a.ByTestId("refresh").ClickAsync();
        await Expect(a.ByTestId("signin-form")).ToBeVisibleAsync();
        await Expect(a.ByTestId("signin-notice")).ToContainTextAsync("ended");
        await Expect(a.ByTestId("whoami")).ToHaveCountAsync(0);
        await Screenshots.SaveAsync(a.Page, "signin-session-ended");
        await a.Page.ReloadAsync();
        await Expect(a.ByTestId("signin-form")).ToBeVisibleAsync();
        (await fixture.Site.SendWithCookieAsync(HttpMethod.Get, "/api/v1/console/session", cookieA!)).Expect(HttpStatusCode.Unauthorized);

        // B is untouched.
        await b.ByTestId("refresh").ClickAsync();
        await Expect(b.SessionRow(sessionB)).ToBeVisibleAsync();
        Assert.NotNull(await b.ConsoleSessionAsync());
    }
}
