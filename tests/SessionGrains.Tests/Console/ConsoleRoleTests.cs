using System.Net;
using SessionGrains.Tests.Infrastructure;
using SessionGrains.Tests.Infrastructure.Browser;
using static Microsoft.Playwright.Assertions;

namespace SessionGrains.Tests.Console;

/// <summary>
/// What each role sees: buttons a key may not use are not rendered at all (docs/api.md "Roles by
/// route"), and a microtenant admin's table holds its microtenant's sessions only. The tenant
/// admin's view is checked the same way, so the absences below are not an empty page's.
/// </summary>
[Trait("Category", "Browser")]
[Collection(BrowserCollection.Name)]
public sealed class ConsoleRoleTests(BrowserFixture fixture)
{
    /// <summary>Every control that ends sessions or changes the denylist, on the sessions page.</summary>
    private static readonly string[] TableActions = ["row-terminate", "row-select", "select-page", "client-end-all", "tenant-logout-all"];

    /// <summary>The same on a session's details page.</summary>
    private static readonly string[] DetailsActions = ["details-terminate", "user-logout", "user-denylist", "user-undenylist"];

    [Fact]
    public async Task A_tenant_admin_sees_every_action()
    {
        var (key, ada) = await SeededTenantAsync("tenant-admin");
        await using var console = await fixture.NewConsoleAsync(key);
        await WaitForTableAsync(console, ada, "Total 3 items");

        foreach (var action in new[] { "row-terminate", "row-select", "select-page", "client-end-all" })
        {
            await Expect(console.ByTestId(action).First).ToBeVisibleAsync();
        }

        await Expect(console.ByTestId("tenant-logout-all")).ToHaveCountAsync(1);
        await Expect(console.ByTestId("microtenant-switcher")).ToBeVisibleAsync();

        await OpenDetailsAsync(console, ada);
        await Expect(console.ByTestId("details-terminate")).ToBeVisibleAsync();
        await Expect(console.ByTestId("user-logout")).ToBeVisibleAsync();
        // Ada is not on the denylist: only the button that applies.
        await Expect(console.ByTestId("user-denylist")).ToBeVisibleAsync();
        await Expect(console.ByTestId("user-undenylist")).ToHaveCountAsync(0);

        await console.ByTestId("nav-denylist").ClickAsync();
        await Expect(console.ByTestId("denylist-row").First).ToBeVisibleAsync();
        await Expect(console.ByTestId("denylist-remove").First).ToBeVisibleAsync();
        await Expect(console.ByTestId("denylist-add")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task An_auditor_sees_no_action_buttons()
    {
        var (key, ada) = await SeededTenantAsync("auditor");
        await using var console = await fixture.NewConsoleAsync(key);
        await WaitForTableAsync(console, ada, "Total 3 items");
        await Expect(console.ByTestId("whoami")).ToContainTextAsync("auditor", new() { IgnoreCase = true });

        await ExpectNoneAsync(console, [.. TableActions, "bulk-end", "select-all-matching"]);
        await Screenshots.SaveAsync(console.Page, "sessions-auditor");

        await OpenDetailsAsync(console, ada);
        await ExpectNoneAsync(console, DetailsActions);

        // Read pages stay open to an auditor.
        await console.ByTestId("nav-denylist").ClickAsync();
        await Expect(console.ByTestId("denylist-row").First).ToBeVisibleAsync();
        await ExpectNoneAsync(console, ["denylist-remove", "denylist-add", "denylist-add-user", "denylist-add-reason"]);
        await console.ByTestId("nav-audit").ClickAsync();
        await Expect(console.ByTestId("audit-table")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_microtenant_admin_sees_only_its_microtenant_and_no_tenant_wide_action()
    {
        var tenantId = await fixture.CreateTenantAsync();
        await fixture.Site.CreateMicrotenantAsync(tenantId, "emea");
        await fixture.Site.CreateMicrotenantAsync(tenantId, "apac");
        var service = (await fixture.CreateKeyAsync(tenantId, "service")).Key;
        var ada = await fixture.Site.SignInUserAsync(tenantId, service, "ada", "emea");
        var bob = await fixture.Site.SignInUserAsync(tenantId, service, "bob", "emea");
        var cy = await fixture.Site.SignInUserAsync(tenantId, service, "cy", "apac");
        var dee = await fixture.Site.SignInUserAsync(tenantId, service, "dee");
        var key = await fixture.CreateKeyAsync(tenantId, "microtenant-admin", "emea");

        await using var console = await fixture.NewConsoleAsync(key);
        // Ada, Bob and the console session (which is in the key's microtenant).
        await WaitForTableAsync(console, ada, "Total 3 items");
        await Expect(console.SessionRow(bob)).ToBeVisibleAsync();
        await Expect(console.ByTestId("session-row")).ToHaveCountAsync(3);
        await Expect(console.SessionRow(cy)).ToHaveCountAsync(0);
        await Expect(console.SessionRow(dee)).ToHaveCountAsync(0);
        Assert.Equal("emea", (await console.ConsoleSessionAsync())!.Str("microtenantId"));

        // It may end its microtenant's sessions, but nothing tenant-wide, and it has no other microtenant to switch to.
        await Expect(console.SessionRow(ada).GetByTestId("row-terminate")).ToBeVisibleAsync();
        await Expect(console.SessionRow(ada).GetByTestId("row-select")).ToBeVisibleAsync();
        await ExpectNoneAsync(console, ["microtenant-switcher", "tenant-logout-all", "client-end-all", "nav-denylist", "nav-audit"]);
        await Screenshots.SaveAsync(console.Page, "sessions-microtenant-admin");

        await OpenDetailsAsync(console, ada);
        await Expect(console.ByTestId("details-terminate")).ToBeVisibleAsync();
        await Expect(console.ByTestId("user-logout")).ToBeVisibleAsync();
        await ExpectNoneAsync(console, ["user-denylist", "user-undenylist"]);
    }

    /// <summary>
    /// A tenant with Ada's and Bob's sessions (client portal) and Mallory on the denylist, and a key
    /// of <paramref name="role"/> in it; returns the key and Ada's session id.
    /// </summary>
    private async Task<(ConsoleApiKey Key, string Ada)> SeededTenantAsync(string role)
    {
        var tenantId = await fixture.CreateTenantAsync();
        var service = (await fixture.CreateKeyAsync(tenantId, "service")).Key;
        var ada = await fixture.Site.SignInUserAsync(tenantId, service, "ada");
        await fixture.Site.SignInUserAsync(tenantId, service, "bob");
        (await fixture.Api.PutAsync($"/api/v1/tenants/{tenantId}/users/mallory/denylist", fixture.Api.OperatorKey, new { reason = "phishing" }))
            .Expect(HttpStatusCode.OK);
        return (await fixture.CreateKeyAsync(tenantId, role), ada);
    }

    /// <summary>Waits until the table shows <paramref name="sessionId"/>'s row and the total, and the stats their client rows.</summary>
    private static async Task WaitForTableAsync(ConsolePage console, string sessionId, string total)
    {
        await Expect(console.SessionRow(sessionId)).ToBeVisibleAsync();
        await Expect(console.ByTestId("total")).ToHaveTextAsync(total);
        await Expect(console.ByTestId("client-row").First).ToBeVisibleAsync();
        await Expect(console.ByTestId("table-loading")).ToBeHiddenAsync();
    }

    private static async Task OpenDetailsAsync(ConsolePage console, string sessionId)
    {
        // The details route (#/sessions/<id>), as a row's click or a shared link opens it.
        await console.Page.GotoAsync($"/#/sessions/{sessionId}");
        await Expect(console.ByTestId("session-details")).ToBeVisibleAsync();
        await Expect(console.Page.Locator("[data-testid=\"session-details\"] dd[data-field=\"sessionId\"]")).ToHaveTextAsync(sessionId);
        await Expect(console.ByTestId("user-sessions")).ToBeVisibleAsync();
    }

    /// <summary>None of <paramref name="testIds"/> is in the page (not rendered, not merely hidden).</summary>
    private static async Task ExpectNoneAsync(ConsolePage console, IEnumerable<string> testIds)
    {
        foreach (var testId in testIds)
        {
            await Expect(console.ByTestId(testId)).ToHaveCountAsync(0);
        }
    }
}
