using System.Text.RegularExpressions;
using Microsoft.Playwright;
using SessionGrains.Tests.Infrastructure;
using SessionGrains.Tests.Infrastructure.Browser;
using static Microsoft.Playwright.Assertions;

namespace SessionGrains.Tests.Console;

/// <summary>
/// The sessions page in a real Chromium against a real silo: the statistics cards, the table with
/// its columns, search, filters, sort, column chooser, paging and the view kept in the URL.
/// </summary>
[Trait("Category", "Browser")]
[Collection(BrowserCollection.Name)]
public sealed partial class ConsoleSessionTableTests(BrowserFixture fixture)
{
    [Fact]
    public async Task The_cards_and_the_table_show_the_seeded_sessions()
    {
        var seed = await ConsoleSeed.CreateAsync(fixture, keyName: "ops console");
        var ada = await seed.SignInAsync("ada", 0, clientId: "portal", ipAddress: "203.0.113.7", email: "ada@acme.test", sessionName: "Chrome on Mac");
        var bob = await seed.SignInAsync("bob", 1, clientId: "mobile", email: "bob@acme.test");
        var ci = await seed.SignInAsync("build-bot", 4, clientId: "portal", kind: "api-key", email: "");
        var gone = await seed.SignInAsync("cy", 2, clientId: "admin-app");
        await seed.TerminateAsync(gone.SessionId);

        await using var console = await fixture.NewConsoleAsync(seed.ConsoleKey);
        await Expect(console.SessionRow(ada.SessionId)).ToBeVisibleAsync();
        // Four seeded sessions and the console session itself.
        await Expect(console.ByTestId("total")).ToHaveTextAsync("Total 5 items");
        await Expect(console.ByTestId("stat-total").Locator(".stat-value")).ToHaveTextAsync("5");
        await Expect(console.ByTestId("stat-active").Locator(".stat-value")).ToHaveTextAsync("4");
        // ada, bob, build-bot, cy and the console key's id.
        await Expect(console.ByTestId("stat-unique-users").Locator(".stat-value")).ToHaveTextAsync("5");
        await Expect(console.ByTestId("stat-active-users").Locator(".stat-value")).ToHaveTextAsync("4");
        await Expect(console.ByTestId("stat-average-duration").Locator(".stat-value")).ToHaveTextAsync(DurationText());

        // Per client, most active first, each with its counts.
        var portal = console.Page.Locator("[data-testid=\"client-row\"][data-client-id=\"portal\"]");
        await Expect(portal).ToContainTextAsync("2 active");
        await Expect(portal).ToContainTextAsync("2 total");
        await Expect(console.Page.Locator("[data-testid=\"client-row\"][data-client-id=\"admin-app\"]")).ToContainTextAsync("0 active");
        await Expect(console.ByTestId("client-row").First).ToHaveAttributeAsync("data-client-id", "portal");

        // The row shows the contract's columns in words: status tags, shortened user agent with the full text on hover.
        var row = console.SessionRow(ada.SessionId);
        await Expect(row.Locator("[data-column=\"user\"]")).ToContainTextAsync("ada@acme.test");
        await Expect(row.Locator("[data-column=\"sessionName\"]")).ToHaveTextAsync("Chrome on Mac");
        await Expect(row.Locator("[data-column=\"ipAddress\"]")).ToHaveTextAsync("203.0.113.7");
        await Expect(row.Locator("[data-column=\"userAgent\"]")).ToHaveTextAsync("Chrome 140 on macOS");
        await Expect(row.Locator("[data-column=\"userAgent\"] [title]")).ToHaveAttributeAsync("title", ConsoleSeed.UserAgents[0]);
        await Expect(row.Locator("[data-column=\"clientId\"]")).ToHaveTextAsync("portal");
        await Expect(row.Locator("[data-column=\"kind\"]")).ToHaveTextAsync("user");
        await Expect(row.GetByTestId("status-tag")).ToHaveTextAsync("Active");
        await Expect(row.Locator("[data-column=\"lastActivity\"]")).ToHaveTextAsync(RelativeNow());
        await Expect(row.Locator("[data-column=\"expiresAt\"]")).ToHaveTextAsync(new Regex("^in (9 h 5\\d min|10 h)$"));
        await Expect(row.Locator("[data-column=\"duration\"]")).ToHaveTextAsync(DurationText());
        await Expect(console.SessionRow(ci.SessionId).Locator("[data-column=\"kind\"]")).ToHaveTextAsync("api-key");
        await Expect(console.SessionRow(ci.SessionId).Locator("[data-column=\"apiKeyName\"]")).ToHaveTextAsync("ci-4");
        await Expect(console.SessionRow(gone.SessionId).GetByTestId("status-tag")).ToHaveTextAsync("Terminated");
        await Expect(console.SessionRow(bob.SessionId).Locator("[data-column=\"userAgent\"]")).ToHaveTextAsync("Firefox 131 on Windows");

        // The admin's own console session is tagged, and only that one.
        var me = (await console.ConsoleSessionAsync())!;
        await Expect(console.ByTestId("current-session-tag")).ToHaveCountAsync(1);
        await Expect(console.SessionRow(me.Str("sessionId")).GetByTestId("current-session-tag")).ToHaveTextAsync("Current session");

        // Numbers line up: the numeric columns use tabular figures.
        Assert.Equal("tabular-nums", await row.Locator("[data-column=\"duration\"]").EvaluateAsync<string>("e => getComputedStyle(e).fontVariantNumeric"));
        Assert.Empty(console.Errors);
        await Screenshots.SaveAsync(console.Page, "sessions");
        await Screenshots.SaveAsync(console.Page, "sessions-full", fullPage: true);
    }

    /// <summary>A just-started session's duration: seconds, or a minute and some.</summary>
    private static Regex DurationText() => new("^(\\d{1,2} s|1 min( \\d{1,2} s)?)$");

    private static Regex RelativeNow() => new("^(just now|1 min\\. ago)$");
}
