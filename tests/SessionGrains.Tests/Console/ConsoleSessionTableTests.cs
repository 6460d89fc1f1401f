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
        console.AssertNoErrors();
        await Screenshots.SaveAsync(console.Page, "sessions");
        await Screenshots.SaveAsync(console.Page, "sessions-full", fullPage: true);

        // On a phone the page keeps its width and the table scrolls sideways inside its card.
        await console.Page.SetViewportSizeAsync(390, 844);
        await Expect(row).ToBeVisibleAsync();
        Assert.True(await console.Page.EvaluateAsync<bool>("() => document.documentElement.scrollWidth <= window.innerWidth"), "the page is wider than the screen");
        Assert.True(await console.Page.EvaluateAsync<bool>("() => { const w = document.querySelector('.table-wrap'); return w.scrollWidth > w.clientWidth && getComputedStyle(w).overflowX === 'auto'; }"));
        await Screenshots.SaveAsync(console.Page, "sessions-narrow", fullPage: true);
    }

    [Fact]
    public async Task Search_filters_and_sort_narrow_and_order_the_table_and_live_in_the_url()
    {
        var seed = await ConsoleSeed.CreateAsync(fixture);
        var ada = await seed.SignInAsync("ada", 0, clientId: "portal", ipAddress: "203.0.113.7", email: "ada@acme.test");
        var adam = await seed.SignInAsync("adam", 1, clientId: "mobile", email: "adam@acme.test");
        var bob = await seed.SignInAsync("bob", 2, clientId: "portal", email: "bob@acme.test");
        var bot = await seed.SignInAsync("build-bot", 3, clientId: "portal", kind: "api-key", email: "zz-bot@acme.test");
        var ended = await seed.SignInAsync("eve", 4, clientId: "mobile", email: "eve@acme.test");
        await seed.TerminateAsync(ended.SessionId);

        await using var console = await fixture.NewConsoleAsync(seed.ConsoleKey);
        await Expect(console.ByTestId("total")).ToHaveTextAsync("Total 6 items");

        // Search as one types: no Enter, the table follows (debounced) and the URL keeps it.
        await console.ByTestId("search").PressSequentiallyAsync("ada");
        await Expect(console.ByTestId("total")).ToHaveTextAsync("Total 2 items");
        await Expect(console.SessionRow(ada.SessionId)).ToBeVisibleAsync();
        await Expect(console.SessionRow(adam.SessionId)).ToBeVisibleAsync();
        await Expect(console.Page).ToHaveURLAsync(new Regex("search=ada"));
        await console.ByTestId("search").PressSequentiallyAsync("m");
        await Expect(console.ByTestId("total")).ToHaveTextAsync("Total 1 items");
        await Expect(console.ByTestId("session-row")).ToHaveCountAsync(1);
        await Expect(console.SessionRow(adam.SessionId)).ToBeVisibleAsync();
        await console.ByTestId("search").FillAsync("");
        await Expect(console.ByTestId("total")).ToHaveTextAsync("Total 6 items");

        // The filter bar: hidden until asked for; status, client, kind, IP.
        await Expect(console.ByTestId("filter-bar")).ToBeHiddenAsync();
        await console.ByTestId("toggle-filters").ClickAsync();
        await Expect(console.ByTestId("filter-bar")).ToBeVisibleAsync();
        await console.ByTestId("filter-status").SelectOptionAsync("inactive");
        await console.ByTestId("filter-apply").ClickAsync();
        await Expect(console.ByTestId("total")).ToHaveTextAsync("Total 1 items");
        await Expect(console.SessionRow(ended.SessionId).GetByTestId("status-tag")).ToHaveTextAsync("Terminated");

        await console.ByTestId("filter-status").SelectOptionAsync("active");
        await console.ByTestId("filter-client").FillAsync("portal");
        await console.ByTestId("filter-apply").ClickAsync();
        await Expect(console.ByTestId("total")).ToHaveTextAsync("Total 3 items");
        await Expect(console.SessionRow(adam.SessionId)).ToHaveCountAsync(0);
        await Expect(console.ByTestId("toggle-filters")).ToContainTextAsync("2");

        await console.ByTestId("filter-kind").SelectOptionAsync("api-key");
        await console.ByTestId("filter-apply").ClickAsync();
        await Expect(console.ByTestId("total")).ToHaveTextAsync("Total 1 items");
        await Expect(console.SessionRow(bot.SessionId)).ToBeVisibleAsync();

        await console.ByTestId("filter-kind").SelectOptionAsync("");
        await console.ByTestId("filter-ip").FillAsync("203.0.113.7");
        await console.ByTestId("filter-apply").ClickAsync();
        await Expect(console.ByTestId("total")).ToHaveTextAsync("Total 1 items");
        await Expect(console.SessionRow(ada.SessionId)).ToBeVisibleAsync();

        // Created between: a window in the future matches nothing, and says so in words.
        await console.ByTestId("filter-ip").FillAsync("");
        await console.ByTestId("filter-created-after").FillAsync(DateTime.UtcNow.AddDays(1).ToString("yyyy-MM-dd'T'HH:mm"));
        await console.ByTestId("filter-apply").ClickAsync();
        await Expect(console.ByTestId("table-empty")).ToContainTextAsync("No sessions match");
        await Expect(console.ByTestId("total")).ToHaveTextAsync("Total 0 items");
        await console.ByTestId("filter-created-after").FillAsync(DateTime.UtcNow.AddHours(-1).ToString("yyyy-MM-dd'T'HH:mm"));
        await console.ByTestId("filter-created-before").FillAsync(DateTime.UtcNow.AddHours(1).ToString("yyyy-MM-dd'T'HH:mm"));
        await console.ByTestId("filter-apply").ClickAsync();
        await Expect(console.ByTestId("total")).ToHaveTextAsync("Total 3 items");
        await Expect(console.Page).ToHaveURLAsync(new Regex("createdAfter=.*createdBefore="));

        await console.ByTestId("filter-clear").ClickAsync();
        await Expect(console.ByTestId("total")).ToHaveTextAsync("Total 6 items");

        // A wrong filter is refused by the API; its words are shown, not a blank table.
        await console.ByTestId("filter-ip").FillAsync("not-an-ip");
        await console.ByTestId("filter-apply").ClickAsync();
        await Expect(console.ByTestId("table-error")).ToContainTextAsync("ipAddress");
        await console.ByTestId("filter-clear").ClickAsync();
        await Expect(console.ByTestId("total")).ToHaveTextAsync("Total 6 items");

        // Sort by email: first click descending, second ascending; the header says which.
        var header = console.Page.Locator("th[data-sort=\"userEmail\"]");
        await header.GetByRole(AriaRole.Button).ClickAsync();
        await Expect(header).ToHaveAttributeAsync("aria-sort", "descending");
        await Expect(console.ByTestId("session-row").First).ToHaveAttributeAsync("data-session-id", bot.SessionId);
        await header.GetByRole(AriaRole.Button).ClickAsync();
        await Expect(header).ToHaveAttributeAsync("aria-sort", "ascending");
        await Expect(console.Page).ToHaveURLAsync(new Regex("sort=userEmail"));
        // The console session has no email: first in ascending order, then ada.
        await Expect(console.ByTestId("session-row").Nth(1)).ToHaveAttributeAsync("data-session-id", ada.SessionId);
        await Expect(console.Page.Locator("th[data-sort=\"createdAt\"]")).ToHaveAttributeAsync("aria-sort", "none");
        await Expect(console.SessionRow(bob.SessionId)).ToBeVisibleAsync();
        // The refused filter's 400 is logged by the browser as a failed resource; nothing else went wrong.
        Assert.DoesNotContain(console.Errors, e => !e.Contains("Failed to load resource", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_column_chooser_page_size_and_paging_are_kept_in_the_url_across_a_reload()
    {
        var seed = await ConsoleSeed.CreateAsync(fixture);
        var users = await seed.SignInManyAsync(12);

        await using var console = await fixture.NewConsoleAsync(seed.ConsoleKey);
        await Expect(console.ByTestId("total")).ToHaveTextAsync("Total 13 items");
        await Expect(console.ByTestId("session-row")).ToHaveCountAsync(13);

        // Columns: hide the session name and the user agent, show the session id.
        await console.ByTestId("columns-button").ClickAsync();
        await Expect(console.ByTestId("columns-menu")).ToBeVisibleAsync();
        await console.ByTestId("columns-menu").Locator("input[data-column=\"sessionName\"]").UncheckAsync();
        await console.ByTestId("columns-menu").Locator("input[data-column=\"userAgent\"]").UncheckAsync();
        await console.ByTestId("columns-menu").Locator("input[data-column=\"sessionId\"]").CheckAsync();
        await Expect(console.Page.Locator("td[data-column=\"sessionName\"]")).ToHaveCountAsync(0);
        await Expect(console.Page.Locator("td[data-column=\"userAgent\"]")).ToHaveCountAsync(0);
        await Expect(console.SessionRow(users[0].SessionId).Locator("td[data-column=\"sessionId\"]")).ToHaveTextAsync(users[0].SessionId);
        await Expect(console.Page.Locator("thead th", new() { HasText = "Session name" })).ToHaveCountAsync(0);
        await console.Page.Keyboard.PressAsync("Escape");
        await Expect(console.ByTestId("columns-menu")).ToBeHiddenAsync();

        // Newest first by default; one click on Created turns it to oldest first. Then ten a page:
        // page 1 of 2, then page 2 with the last three.
        await Expect(console.Page.Locator("th[data-sort=\"createdAt\"]")).ToHaveAttributeAsync("aria-sort", "descending");
        await console.Page.Locator("th[data-sort=\"createdAt\"]").GetByRole(AriaRole.Button).ClickAsync();
        await Expect(console.Page.Locator("th[data-sort=\"createdAt\"]")).ToHaveAttributeAsync("aria-sort", "ascending");
        await console.ByTestId("page-size").SelectOptionAsync("10");
        await Expect(console.ByTestId("session-row")).ToHaveCountAsync(10);
        await Expect(console.ByTestId("total")).ToHaveTextAsync("Total 13 items");
        await Expect(console.ByTestId("page-info")).ToHaveTextAsync("Page 1 of 2");
        await Expect(console.ByTestId("page-prev")).ToBeDisabledAsync();
        await console.ByTestId("page-next").ClickAsync();
        await Expect(console.ByTestId("page-info")).ToHaveTextAsync("Page 2 of 2");
        await Expect(console.ByTestId("session-row")).ToHaveCountAsync(3);
        await Expect(console.ByTestId("page-next")).ToBeDisabledAsync();
        var secondPage = await console.ByTestId("session-row").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.sessionId)");

        // A reload (or the link sent to a colleague) shows the same view.
        var url = console.Page.Url;
        Assert.Contains("pageSize=10", url, StringComparison.Ordinal);
        Assert.Contains("page=2", url, StringComparison.Ordinal);
        Assert.Contains("cols=", url, StringComparison.Ordinal);
        await console.Page.ReloadAsync();
        await Expect(console.ByTestId("page-info")).ToHaveTextAsync("Page 2 of 2");
        await Expect(console.ByTestId("session-row")).ToHaveCountAsync(3);
        Assert.Equal(secondPage, await console.ByTestId("session-row").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.sessionId)"));
        await Expect(console.ByTestId("page-size")).ToHaveValueAsync("10");
        await Expect(console.Page.Locator("td[data-column=\"sessionName\"]")).ToHaveCountAsync(0);
        await Expect(console.Page.Locator("th[data-sort=\"createdAt\"]")).ToHaveAttributeAsync("aria-sort", "ascending");

        // The same link in another browser (another admin of the tenant) opens the same view.
        await using var colleague = await fixture.NewConsoleAsync(
            await fixture.CreateKeyAsync(seed.TenantId, "auditor"), path: new Uri(url).PathAndQuery + new Uri(url).Fragment);
        await Expect(colleague.ByTestId("page-info")).ToHaveTextAsync("Page 2 of 2");
        await Expect(colleague.Page.Locator("td[data-column=\"sessionId\"]").First).ToBeVisibleAsync();

        // Back to page 1: the oldest session first, as the API orders them (sign-ins within one
        // millisecond tie on createdAt, and ties go by sessionId, so it need not be users[0]).
        var oldest = (await fixture.Api.GetAsync($"/api/v1/tenants/{seed.TenantId}/sessions?sort=createdAt&pageSize=1", fixture.Api.OperatorKey))
            .Expect(System.Net.HttpStatusCode.OK).Json["items"]![0]!["sessionId"]!.GetValue<string>();
        await console.ByTestId("page-prev").ClickAsync();
        await Expect(console.ByTestId("page-info")).ToHaveTextAsync("Page 1 of 2");
        await Expect(console.ByTestId("session-row").First).ToHaveAttributeAsync("data-session-id", oldest);

        // The refresh button shows that it is loading, then the table again.
        await console.ByTestId("refresh").ClickAsync();
        await Expect(console.ByTestId("refresh")).ToHaveAttributeAsync("aria-busy", "false");
        await Expect(console.ByTestId("session-row")).ToHaveCountAsync(10);
        console.AssertNoErrors();
    }

    /// <summary>A just-started session's duration: seconds, or a minute and some.</summary>
    private static Regex DurationText() => new("^(\\d{1,2} s|1 min( \\d{1,2} s)?)$");

    private static Regex RelativeNow() => new("^(just now|1 min\\. ago)$");
}
