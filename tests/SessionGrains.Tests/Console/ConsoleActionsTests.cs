using System.Text.RegularExpressions;
using Microsoft.Playwright;
using SessionGrains.Tests.Infrastructure;
using SessionGrains.Tests.Infrastructure.Browser;
using static Microsoft.Playwright.Assertions;

namespace SessionGrains.Tests.Console;

/// <summary>
/// What an admin does from the console, in a real Chromium against a real silo: the details page,
/// ending one session, ending many (selected, or every one matching the filters) with an outcome
/// per id, a user's logout and denylisting, a client's and the tenant's logout-all. Each action is
/// checked against the API, not only the page.
/// </summary>
[Trait("Category", "Browser")]
[Collection(BrowserCollection.Name)]
public sealed class ConsoleActionsTests(BrowserFixture fixture)
{
    [Fact]
    public async Task The_details_page_shows_every_field_and_the_users_other_sessions_and_ends_the_session()
    {
        var seed = await ConsoleSeed.CreateAsync(fixture);
        // The portal tells a back-channel logout URI where nothing listens: its notice stays pending.
        (await fixture.Api.PostAsync($"/api/v1/tenants/{seed.TenantId}/clients", fixture.Api.OperatorKey,
            new { clientId = "portal", name = "Portal", backchannelLogoutUri = "http://127.0.0.1:9/logout" })).Expect(System.Net.HttpStatusCode.Created);
        var ada = await seed.SignInAsync("ada", 0, clientId: "portal", ipAddress: "203.0.113.7", email: "ada@acme.test", sessionName: "Chrome on Mac");
        var adaPhone = await seed.SignInAsync("ada", 2, clientId: "mobile", email: "ada@acme.test", sessionName: "Safari on iPhone");
        await seed.SignInAsync("bob", 1);
        await seed.RefreshAsync(ada);

        await using var console = await fixture.NewConsoleAsync(seed.ConsoleKey, path: "/#/sessions?status=active");
        // A click on the row opens its details.
        await console.SessionRow(ada.SessionId).Locator("[data-column=\"sessionName\"]").ClickAsync();
        await Expect(console.Page).ToHaveURLAsync(new Regex($"#/sessions/{ada.SessionId}"));
        var details = console.ByTestId("session-details");
        await Expect(details).ToBeVisibleAsync();
        ILocator Field(string name) => details.Locator($"dd[data-field=\"{name}\"]");
        await Expect(Field("sessionId")).ToHaveTextAsync(ada.SessionId);
        await Expect(Field("userId")).ToHaveTextAsync("ada");
        await Expect(Field("userEmail")).ToHaveTextAsync("ada@acme.test");
        await Expect(Field("status")).ToHaveTextAsync("Active");
        await Expect(Field("endReason")).ToHaveTextAsync("—");
        await Expect(Field("backchannelLogout")).ToHaveTextAsync("—");
        await Expect(Field("clientId")).ToHaveTextAsync("portal");
        await Expect(Field("clientType")).ToHaveTextAsync("browser");
        await Expect(Field("identityProvider")).ToHaveTextAsync("okta");
        await Expect(Field("ipAddress")).ToHaveTextAsync("203.0.113.7");
        await Expect(Field("userAgent")).ToContainTextAsync(ConsoleSeed.UserAgents[0]);
        await Expect(Field("refreshCount")).ToHaveTextAsync("1");
        await Expect(Field("lastRefreshAt")).Not.ToHaveTextAsync("—");
        await Expect(Field("device.deviceId")).ToHaveTextAsync("d-0");
        await Expect(Field("device.hostname")).ToHaveTextAsync("ada-laptop");
        await Expect(Field("device.os")).ToHaveTextAsync("macOS 15.1");
        await Expect(Field("expiresAt")).ToContainTextAsync(new Regex("in (9 h 5\\d min|10 h)"));
        await Expect(console.ByTestId("claims")).ToContainTextAsync("\"groups\"");
        await Expect(console.ByTestId("claims")).ToContainTextAsync("\"staff\"");

        // The user's other sessions: the phone, not this one.
        var others = console.ByTestId("user-sessions");
        await Expect(others.Locator($"tr[data-session-id=\"{adaPhone.SessionId}\"]")).ToContainTextAsync("Safari on iPhone");
        await Expect(others.Locator($"tr[data-session-id=\"{ada.SessionId}\"]")).ToHaveCountAsync(0);
        await Screenshots.SaveAsync(console.Page, "details", fullPage: true);

        // End it: a confirmation first; cancel changes nothing.
        await console.ByTestId("details-terminate").ClickAsync();
        await Expect(console.ByTestId("confirm-dialog")).ToBeVisibleAsync();
        await Expect(console.ByTestId("confirm-message")).ToContainTextAsync("ada@acme.test");
        await Expect(console.ByTestId("own-session-warning")).ToHaveCountAsync(0);
        await console.ByTestId("confirm-cancel").ClickAsync();
        await Expect(console.ByTestId("confirm-dialog")).ToHaveCountAsync(0);
        Assert.Equal("active", (await seed.SessionAsync(ada.SessionId)).Str("status"));

        await console.ByTestId("details-terminate").ClickAsync();
        await console.ByTestId("confirm-ok").ClickAsync();
        await Expect(console.ByTestId("toast").Last).ToContainTextAsync("ended");
        await Expect(Field("status")).ToHaveTextAsync("Terminated");
        await Expect(Field("endReason")).ToContainTextAsync("admin_terminated");
        await Expect(Field("backchannelLogout")).ToContainTextAsync("Pending");
        await Expect(console.ByTestId("details-terminate")).ToHaveCountAsync(0);
        var stored = await seed.SessionAsync(ada.SessionId);
        Assert.Equal("terminated", stored.Str("status"));
        Assert.Equal("admin_terminated", stored.Str("endReason"));

        // Back to the same view of the table (active only), where it is gone.
        await console.ByTestId("back-to-sessions").ClickAsync();
        await Expect(console.Page).ToHaveURLAsync(new Regex("status=active"));
        await Expect(console.SessionRow(adaPhone.SessionId)).ToBeVisibleAsync();
        await Expect(console.SessionRow(ada.SessionId)).ToHaveCountAsync(0);
        console.AssertNoErrors();
    }

    [Fact]
    public async Task Ending_one_session_from_the_table_takes_it_out_of_the_active_ones_and_warns_about_ones_own()
    {
        var seed = await ConsoleSeed.CreateAsync(fixture);
        var ada = await seed.SignInAsync("ada", 0);
        var bob = await seed.SignInAsync("bob", 1);

        await using var console = await fixture.NewConsoleAsync(seed.ConsoleKey, path: "/#/sessions?status=active");
        await Expect(console.ByTestId("total")).ToHaveTextAsync("Total 3 items");

        // One's own console session: the dialog says what ending it means.
        var me = (await console.ConsoleSessionAsync())!.Str("sessionId");
        await console.SessionRow(me).GetByTestId("row-terminate").ClickAsync();
        await Expect(console.ByTestId("own-session-warning")).ToContainTextAsync("signs you out");
        await console.ByTestId("confirm-cancel").ClickAsync();

        await console.SessionRow(ada.SessionId).GetByTestId("row-terminate").ClickAsync();
        await Expect(console.ByTestId("own-session-warning")).ToHaveCountAsync(0);
        await console.ByTestId("confirm-ok").ClickAsync();
        await Expect(console.SessionRow(ada.SessionId)).ToHaveCountAsync(0);
        await Expect(console.ByTestId("total")).ToHaveTextAsync("Total 2 items");
        await Expect(console.ByTestId("stat-active").Locator(".stat-value")).ToHaveTextAsync("2");
        await Expect(console.SessionRow(bob.SessionId)).ToBeVisibleAsync();
        Assert.Equal("terminated", (await seed.SessionAsync(ada.SessionId)).Str("status"));

        // In the full list it stays, tagged Terminated, without an End button.
        await console.Page.GotoAsync("/#/sessions");
        await Expect(console.SessionRow(ada.SessionId).GetByTestId("status-tag")).ToHaveTextAsync("Terminated");
        await Expect(console.SessionRow(ada.SessionId).GetByTestId("row-terminate")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Ending_selected_sessions_shows_an_outcome_per_id_in_plain_words()
    {
        var seed = await ConsoleSeed.CreateAsync(fixture);
        var users = await seed.SignInManyAsync(5);

        await using var console = await fixture.NewConsoleAsync(seed.ConsoleKey);
        await Expect(console.ByTestId("total")).ToHaveTextAsync("Total 6 items");
        await Expect(console.ByTestId("bulk-end")).ToBeDisabledAsync();
        foreach (var user in users.Take(3))
        {
            await console.SessionRow(user.SessionId).GetByTestId("row-select").CheckAsync();
        }

        await Expect(console.ByTestId("bulk-end")).ToHaveTextAsync("End sessions (3)");
        // Meanwhile another admin ends one of them.
        await seed.TerminateAsync(users[1].SessionId);

        await console.ByTestId("bulk-end").ClickAsync();
        await Expect(console.ByTestId("confirm-dialog")).ToContainTextAsync("End 3 sessions?");
        await console.ByTestId("confirm-ok").ClickAsync();

        var results = console.ByTestId("bulk-results");
        await Expect(results).ToContainTextAsync("2 ended, 1 was no longer active.");
        await Expect(results.GetByTestId("bulk-result")).ToHaveCountAsync(3);
        await Expect(results.Locator($"[data-testid=\"bulk-result\"][data-session-id=\"{users[0].SessionId}\"]")).ToHaveAttributeAsync("data-outcome", "terminated");
        await Expect(results.Locator($"[data-testid=\"bulk-result\"][data-session-id=\"{users[1].SessionId}\"]")).ToHaveAttributeAsync("data-outcome", "not_active");
        await Expect(results.Locator($"[data-testid=\"bulk-result\"][data-session-id=\"{users[2].SessionId}\"]")).ToHaveAttributeAsync("data-outcome", "terminated");
        await Expect(results.Locator($"[data-testid=\"bulk-result\"][data-session-id=\"{users[1].SessionId}\"]")).ToContainTextAsync("No longer active");
        await Expect(console.ByTestId("toast").Last).ToContainTextAsync("2 ended, 1 was no longer active");
        await Expect(console.ByTestId("stat-active").Locator(".stat-value")).ToHaveTextAsync("3");
        await Expect(console.ByTestId("bulk-end")).ToBeDisabledAsync();
        await Screenshots.SaveAsync(console.Page, "sessions-bulk-results");

        Assert.Equal("terminated", (await seed.SessionAsync(users[0].SessionId)).Str("status"));
        Assert.Equal("terminated", (await seed.SessionAsync(users[2].SessionId)).Str("status"));
        Assert.Equal("active", (await seed.SessionAsync(users[3].SessionId)).Str("status"));
    }

    [Fact]
    public async Task Select_all_matching_ends_every_session_the_filters_match_across_pages()
    {
        var seed = await ConsoleSeed.CreateAsync(fixture);
        var kiosks = await seed.SignInManyAsync(13, "kiosk", clientId: "kiosk");
        var ada = await seed.SignInAsync("ada", 0, clientId: "portal");

        await using var console = await fixture.NewConsoleAsync(seed.ConsoleKey, path: "/#/sessions?clientId=kiosk&status=active&pageSize=10");
        await Expect(console.ByTestId("total")).ToHaveTextAsync("Total 13 items");
        await Expect(console.ByTestId("session-row")).ToHaveCountAsync(10);
        await Expect(console.ByTestId("select-all-matching")).ToHaveCountAsync(0);

        await console.ByTestId("select-page").CheckAsync();
        await Expect(console.ByTestId("bulk-end")).ToHaveTextAsync("End sessions (10)");
        await console.ByTestId("select-all-matching").ClickAsync();
        await Expect(console.ByTestId("bulk-end")).ToHaveTextAsync("End sessions (13)");

        await console.ByTestId("bulk-end").ClickAsync();
        await Expect(console.ByTestId("confirm-dialog")).ToContainTextAsync("End 13 sessions?");
        await console.ByTestId("confirm-ok").ClickAsync();
        await Expect(console.ByTestId("bulk-results")).ToContainTextAsync("13 ended.");
        await Expect(console.ByTestId("bulk-result")).ToHaveCountAsync(13);
        await Expect(console.ByTestId("total")).ToHaveTextAsync("Total 0 items");
        await Expect(console.ByTestId("table-empty")).ToBeVisibleAsync();

        foreach (var kiosk in kiosks)
        {
            Assert.Equal("terminated", (await seed.SessionAsync(kiosk.SessionId)).Str("status"));
        }

        Assert.Equal("active", (await seed.SessionAsync(ada.SessionId)).Str("status"));
    }

    [Fact]
    public async Task A_user_is_logged_out_everywhere_denylisted_with_a_reason_and_removed_again()
    {
        var seed = await ConsoleSeed.CreateAsync(fixture);
        var bob = await seed.SignInAsync("bob", 0);
        var bobPhone = await seed.SignInAsync("bob", 1, clientId: "mobile");
        var eve = await seed.SignInAsync("eve", 2);

        await using var console = await fixture.NewConsoleAsync(seed.ConsoleKey, path: $"/#/sessions/{bob.SessionId}");
        await Expect(console.ByTestId("session-details")).ToBeVisibleAsync();
        await console.ByTestId("user-logout").ClickAsync();
        await Expect(console.ByTestId("confirm-message")).ToContainTextAsync("bob");
        await console.ByTestId("confirm-ok").ClickAsync();
        await Expect(console.ByTestId("toast").Last).ToContainTextAsync("bob is logged out everywhere: 2 sessions ended.");
        await Expect(console.Page.Locator("dd[data-field=\"endReason\"]")).ToContainTextAsync("user_logout_all");
        Assert.Equal("terminated", (await seed.SessionAsync(bobPhone.SessionId)).Str("status"));

        // Denylist Eve with a reason, from her session's details.
        await console.Page.GotoAsync($"/#/sessions/{eve.SessionId}");
        await Expect(console.Page.Locator("dd[data-field=\"userId\"]")).ToHaveTextAsync("eve");
        await console.ByTestId("user-denylist").ClickAsync();
        await console.ByTestId("denylist-reason").FillAsync("stolen laptop");
        await console.ByTestId("confirm-ok").ClickAsync();
        await Expect(console.ByTestId("toast").Last).ToContainTextAsync("eve is on the denylist; 1 session ended.");
        await Expect(console.Page.Locator("dd[data-field=\"endReason\"]")).ToContainTextAsync("denylisted");
        // The page now knows she is denylisted: the tag, and only the button that undoes it.
        await Expect(console.ByTestId("denylisted-tag")).ToHaveAttributeAsync("title", "Denylisted: stolen laptop");
        await Expect(console.ByTestId("user-undenylist")).ToBeVisibleAsync();
        await Expect(console.ByTestId("user-denylist")).ToHaveCountAsync(0);

        // The denylist page lists her with the reason; one more is added there.
        await console.ByTestId("nav-denylist").ClickAsync();
        var row = console.Page.Locator("[data-testid=\"denylist-row\"][data-user-id=\"eve\"]");
        await Expect(row).ToContainTextAsync("stolen laptop");
        await console.ByTestId("denylist-add-user").FillAsync("mallory");
        await console.ByTestId("denylist-add-reason").FillAsync("phishing");
        await console.ByTestId("denylist-add").ClickAsync();
        await Expect(console.Page.Locator("[data-testid=\"denylist-row\"][data-user-id=\"mallory\"]")).ToContainTextAsync("phishing");
        await Expect(console.ByTestId("denylist-total")).ToHaveTextAsync("Total 2 items");
        await Screenshots.SaveAsync(console.Page, "denylist");

        // A denylisted user's sign-in is refused, until the entry is removed.
        var refused = await fixture.Api.PostAsync($"/api/v1/tenants/{seed.TenantId}/sessions", fixture.Api.OperatorKey,
            new { userId = "eve", clientId = "portal", ipAddress = "203.0.113.9" });
        refused.ExpectProblem(System.Net.HttpStatusCode.Forbidden, "user_denylisted");
        await row.GetByTestId("denylist-remove").ClickAsync();
        await console.ByTestId("confirm-ok").ClickAsync();
        await Expect(row).ToHaveCountAsync(0);
        await Expect(console.ByTestId("toast").Last).ToContainTextAsync("eve was removed from the denylist.");
        await seed.SignInAsync("eve", 3);
        console.AssertNoErrors();
    }

    [Fact]
    public async Task A_clients_sessions_end_from_its_row_and_the_tenant_logout_all_needs_the_tenant_id_typed()
    {
        var seed = await ConsoleSeed.CreateAsync(fixture);
        var web = await seed.SignInAsync("ada", 0, clientId: "portal");
        var phone = await seed.SignInAsync("bob", 1, clientId: "mobile");
        var phone2 = await seed.SignInAsync("cy", 2, clientId: "mobile");

        await using var console = await fixture.NewConsoleAsync(seed.ConsoleKey);
        var mobile = console.Page.Locator("[data-testid=\"client-row\"][data-client-id=\"mobile\"]");
        await Expect(mobile).ToContainTextAsync("2 active");
        await mobile.GetByTestId("client-end-all").ClickAsync();
        await Expect(console.ByTestId("confirm-message")).ToContainTextAsync("mobile");
        await console.ByTestId("confirm-ok").ClickAsync();
        await Expect(mobile).ToContainTextAsync("0 active");
        Assert.Equal("terminated", (await seed.SessionAsync(phone.SessionId)).Str("status"));
        Assert.Equal("terminated", (await seed.SessionAsync(phone2.SessionId)).Str("status"));
        Assert.Equal("active", (await seed.SessionAsync(web.SessionId)).Str("status"));

        // Logout-all: the OK button stays off until the tenant id is typed exactly.
        await console.ByTestId("tenant-logout-all").ClickAsync();
        await Expect(console.ByTestId("own-session-warning")).ToBeVisibleAsync();
        await Expect(console.ByTestId("confirm-ok")).ToBeDisabledAsync();
        await console.ByTestId("confirm-input").FillAsync(seed.TenantId + "x");
        await Expect(console.ByTestId("confirm-ok")).ToBeDisabledAsync();
        await console.ByTestId("confirm-input").FillAsync(seed.TenantId);
        await Expect(console.ByTestId("confirm-ok")).ToBeEnabledAsync();
        await console.ByTestId("confirm-ok").ClickAsync();

        // Every session ends, the console's own too: the browser is back at the sign-in page.
        await Expect(console.ByTestId("signin-notice")).ToContainTextAsync("ended");
        Assert.Equal("terminated", (await seed.SessionAsync(web.SessionId)).Str("status"));
        Assert.Equal("tenant_logout_all", (await seed.SessionAsync(web.SessionId)).Str("endReason"));
        Assert.Null(await console.ConsoleSessionAsync());
    }
}
