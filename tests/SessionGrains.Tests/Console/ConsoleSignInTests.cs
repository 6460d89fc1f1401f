using System.Net;
using System.Text.RegularExpressions;
using Microsoft.Playwright;
using SessionGrains.Tests.Infrastructure;
using SessionGrains.Tests.Infrastructure.Browser;
using static Microsoft.Playwright.Assertions;

namespace SessionGrains.Tests.Console;

/// <summary>
/// Signing in to the console with an API key, in a real Chromium: the console session is a
/// session of the tenant, held in an HttpOnly, SameSite=Strict cookie, listed in the table as the
/// admin's own, and ended by signing out.
/// </summary>
[Trait("Category", "Browser")]
[Collection(BrowserCollection.Name)]
public sealed partial class ConsoleSignInTests(BrowserFixture fixture)
{
    [Fact]
    public async Task A_tenant_admin_signs_in_on_the_sign_in_page_and_sees_the_table()
    {
        var key = await fixture.NewTenantKeyAsync("tenant-admin");
        var service = await fixture.CreateKeyAsync(key.TenantId, "service");
        var ada = await fixture.Site.SignInUserAsync(key.TenantId, service.Key, "ada");

        await using var console = await fixture.NewPageAsync();
        await console.Page.GotoAsync("/");
        await Expect(console.ByTestId("signin-form")).ToBeVisibleAsync();
        await Expect(console.ByTestId("signin-key")).ToHaveAttributeAsync("type", "password");
        await Screenshots.SaveAsync(console.Page, "signin");

        await console.ByTestId("signin-key").FillAsync(key.Key);
        await console.ByTestId("signin-submit").ClickAsync();

        await Expect(console.ByTestId("whoami")).ToContainTextAsync(key.Name);
        await Expect(console.ByTestId("whoami")).ToContainTextAsync(TenantAdmin());
        await Expect(console.SessionRow(ada)).ToBeVisibleAsync();
        // Ada's session and the console session itself.
        await Expect(console.ByTestId("total")).ToHaveTextAsync("Total 2 items");
        await Expect(console.ByTestId("signin-form")).ToHaveCountAsync(0);

        // The cookie is out of the page's reach and never sent by another site's requests.
        var cookie = (await console.Context.CookiesAsync()).Single(c => c.Name == ConsolePage.CookieName);
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
        Assert.False(cookie.Secure); // plain HTTP here; Secure only over HTTPS
        Assert.Equal("/", cookie.Path);
        Assert.DoesNotContain(ConsolePage.CookieName, await console.Page.EvaluateAsync<string>("document.cookie"));
        // The key itself is not kept by the page once exchanged.
        Assert.DoesNotContain(key.Key, await console.Page.EvaluateAsync<string>(
            "JSON.stringify(localStorage) + JSON.stringify(sessionStorage) + location.href"));
        console.AssertNoErrors();
        await Screenshots.SaveAsync(console.Page, "sessions");
    }

    [Fact]
    public async Task A_wrong_key_or_a_service_key_is_refused_in_plain_words()
    {
        var service = await fixture.CreateKeyAsync(await fixture.CreateTenantAsync(), "service");
        await using var console = await fixture.NewPageAsync();
        await console.Page.GotoAsync("/");

        await console.ByTestId("signin-key").FillAsync("sgk.not-a-key-of-anyone-" + Guid.NewGuid().ToString("N"));
        await console.ByTestId("signin-submit").ClickAsync();
        await Expect(console.ByTestId("signin-error")).ToBeVisibleAsync();
        await Expect(console.ByTestId("signin-error")).ToHaveTextAsync(PlainWords());
        await Screenshots.SaveAsync(console.Page, "signin-error");
        var wrong = await console.ByTestId("signin-error").TextContentAsync();

        // A key that works for the API but may not use the console (403 console_not_allowed).
        await console.ByTestId("signin-key").FillAsync(service.Key);
        await console.ByTestId("signin-submit").ClickAsync();
        await Expect(console.ByTestId("signin-error")).Not.ToHaveTextAsync(wrong!);
        await Expect(console.ByTestId("signin-error")).ToHaveTextAsync(PlainWords());

        await Expect(console.ByTestId("signin-form")).ToBeVisibleAsync();
        await Expect(console.ByTestId("whoami")).ToHaveCountAsync(0);
        Assert.Null(await console.CookieAsync());
    }

    [Fact]
    public async Task Signing_out_ends_the_console_session_and_its_cookie_no_longer_works()
    {
        var key = await fixture.NewTenantKeyAsync("tenant-admin");
        await using var console = await fixture.NewConsoleAsync(key, SignInBy.SignInPage);
        var cookie = await console.CookieAsync();
        var session = (await console.ConsoleSessionAsync())!;

        await console.ByTestId("signout").ClickAsync();

        await Expect(console.ByTestId("signin-form")).ToBeVisibleAsync();
        await Expect(console.ByTestId("whoami")).ToHaveCountAsync(0);
        Assert.Null(await console.CookieAsync());
        // The old cookie, sent by anyone who kept it, is worth nothing now.
        (await fixture.Site.SendWithCookieAsync(HttpMethod.Get, "/api/v1/console/session", cookie!)).Expect(HttpStatusCode.Unauthorized);
        (await fixture.Site.SendWithCookieAsync(HttpMethod.Get, $"/api/v1/tenants/{key.TenantId}/sessions", cookie!))
            .Expect(HttpStatusCode.Unauthorized);
        var ended = await fixture.Site.SessionAsync(key.TenantId, session.Str("sessionId"));
        Assert.NotEqual("active", ended.Str("status"));
        Assert.Equal("user_logout", ended.Str("endReason"));

        await console.Page.ReloadAsync();
        await Expect(console.ByTestId("signin-form")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task The_console_session_is_listed_as_the_admins_current_session()
    {
        var key = await fixture.NewTenantKeyAsync("tenant-admin", name: "Ops laptop");
        await using var console = await fixture.NewConsoleAsync(key);
        var sessionId = (await console.ConsoleSessionAsync())!.Str("sessionId");

        var details = await fixture.Site.SessionAsync(key.TenantId, sessionId);
        Assert.Equal("admin", details.Str("kind"));
        Assert.Equal("Ops laptop", details.Str("apiKeyName"));
        Assert.Equal("sessiongrains-console", details.Str("clientId"));
        Assert.Equal("Console", details.Str("sessionName"));
        Assert.Equal(key.KeyId, details.Str("userId"));
        Assert.Equal("active", details.Str("status"));

        await ShowColumnsAsync(console, "kind", "apiKeyName");
        var row = console.SessionRow(sessionId);
        await Expect(row.GetByTestId("current-session-tag")).ToHaveTextAsync("Current session");
        await Expect(row).ToContainTextAsync("Ops laptop");

        // Its user is the key: named by the key's name, its id beneath.
        var user = row.Locator(".cell-user");
        await Expect(user.Locator("a")).ToHaveTextAsync("Ops laptop");
        await Expect(user).ToContainTextAsync($"API key {key.KeyId}");
        await Expect(row).ToContainTextAsync(new Regex("admin", RegexOptions.IgnoreCase));
        await Expect(row.GetByTestId("status-tag")).ToHaveTextAsync("Active");
        await Expect(console.ByTestId("current-session-tag")).ToHaveCountAsync(1);
    }

    /// <summary>Ticks the column chooser's boxes of <paramref name="columns"/>, so their cells are shown.</summary>
    internal static async Task ShowColumnsAsync(ConsolePage console, params string[] columns)
    {
        await console.ByTestId("columns-button").ClickAsync();
        var menu = console.ByTestId("columns-menu");
        await Expect(menu).ToBeVisibleAsync();
        foreach (var column in columns)
        {
            await menu.Locator($"input[type=checkbox][data-column=\"{column}\"]").SetCheckedAsync(true);
        }

        await console.ByTestId("columns-button").ClickAsync();
    }

    /// <summary>The role as a person reads it: <c>tenant-admin</c>, <c>Tenant admin</c>…</summary>
    [GeneratedRegex("tenant[- ]admin", RegexOptions.IgnoreCase)]
    private static partial Regex TenantAdmin();

    /// <summary>A sentence for a person: some words, no JSON, markup or stack traces.</summary>
    [GeneratedRegex(@"^(?!.*(\{|\}|<|>|Exception|undefined|\bnull\b)).*[A-Za-z]{3,}.*$", RegexOptions.Singleline)]
    internal static partial Regex PlainWords();
}
