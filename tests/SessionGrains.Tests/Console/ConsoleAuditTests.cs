using System.Net;
using Microsoft.Playwright;
using SessionGrains.Tests.Infrastructure;
using SessionGrains.Tests.Infrastructure.Browser;
using static Microsoft.Playwright.Assertions;

namespace SessionGrains.Tests.Console;

/// <summary>The audit log page: the console's own actions listed, the contract's filters, paging and the CSV download.</summary>
[Trait("Category", "Browser")]
[Collection(BrowserCollection.Name)]
public sealed class ConsoleAuditTests(BrowserFixture fixture)
{
    [Fact]
    public async Task The_console_s_actions_are_in_the_audit_log_filtered_paged_and_downloaded_as_csv()
    {
        var seed = await ConsoleSeed.CreateAsync(fixture, keyName: "ops console");
        var ada = await seed.SignInAsync("ada", 0);
        // Twelve refused terminations by the operator: records to page through.
        for (var i = 0; i < 12; i++)
        {
            (await fixture.Api.DeleteAsync($"/api/v1/tenants/{seed.TenantId}/sessions/nope{i}", fixture.Api.OperatorKey))
                .ExpectProblem(HttpStatusCode.NotFound, "session_not_found");
        }

        await using var console = await fixture.NewConsoleAsync(seed.ConsoleKey);
        await console.SessionRow(ada.SessionId).GetByTestId("row-terminate").ClickAsync();
        await console.ByTestId("confirm-ok").ClickAsync();
        await Expect(console.SessionRow(ada.SessionId).GetByTestId("status-tag")).ToHaveTextAsync("Terminated");

        await console.ByTestId("nav-audit").ClickAsync();
        var table = console.ByTestId("audit-table");
        await Expect(table).ToBeVisibleAsync();
        // tenant.create, two key.create (service and console keys), console.sign_in, twelve failed terminations and the console's one.
        await Expect(console.ByTestId("audit-total")).ToHaveTextAsync("Total 17 items");
        var newest = console.ByTestId("audit-row").First;
        await Expect(newest).ToHaveAttributeAsync("data-action", "session.terminate");
        await Expect(newest).ToHaveAttributeAsync("data-outcome", "success");
        await Expect(newest).ToContainTextAsync("ops console");
        await Expect(newest).ToContainTextAsync(ada.SessionId);
        await Screenshots.SaveAsync(console.Page, "audit");

        // Filters: the action, the outcome, the actor (a key id), a time window.
        await console.ByTestId("audit-action").SelectOptionAsync("console.sign_in");
        await console.ByTestId("audit-apply").ClickAsync();
        await Expect(console.ByTestId("audit-total")).ToHaveTextAsync("Total 1 items");
        await Expect(console.ByTestId("audit-row")).ToHaveAttributeAsync("data-action", "console.sign_in");

        await console.ByTestId("audit-action").SelectOptionAsync("session.terminate");
        await console.ByTestId("audit-outcome").SelectOptionAsync("failed");
        await console.ByTestId("audit-apply").ClickAsync();
        await Expect(console.ByTestId("audit-total")).ToHaveTextAsync("Total 12 items");
        await console.ByTestId("audit-outcome").SelectOptionAsync("");
        await console.ByTestId("audit-actor").FillAsync(seed.ConsoleKey.KeyId);
        await console.ByTestId("audit-apply").ClickAsync();
        await Expect(console.ByTestId("audit-total")).ToHaveTextAsync("Total 1 items");
        await console.ByTestId("audit-actor").FillAsync("");
        await console.ByTestId("audit-action").SelectOptionAsync("");
        await console.ByTestId("audit-from").FillAsync(DateTime.UtcNow.AddHours(1).ToString("yyyy-MM-dd'T'HH:mm"));
        await console.ByTestId("audit-apply").ClickAsync();
        await Expect(console.ByTestId("audit-total")).ToHaveTextAsync("Total 0 items");
        await Expect(console.ByTestId("table-empty")).ToContainTextAsync("No audit records match");
        await console.ByTestId("audit-from").FillAsync(DateTime.UtcNow.AddHours(-1).ToString("yyyy-MM-dd'T'HH:mm"));
        await console.ByTestId("audit-to").FillAsync(DateTime.UtcNow.AddHours(1).ToString("yyyy-MM-dd'T'HH:mm"));
        await console.ByTestId("audit-apply").ClickAsync();
        await Expect(console.ByTestId("audit-total")).ToHaveTextAsync("Total 17 items");

        // Paging, ten a page.
        await console.ByTestId("audit-page-size").SelectOptionAsync("10");
        await Expect(console.ByTestId("audit-row")).ToHaveCountAsync(10);
        await Expect(console.ByTestId("audit-prev")).ToBeDisabledAsync();
        await console.ByTestId("audit-next").ClickAsync();
        await Expect(console.ByTestId("audit-row")).ToHaveCountAsync(7);
        await Expect(console.ByTestId("audit-next")).ToBeDisabledAsync();
        await Expect(console.ByTestId("audit-row").Last).ToHaveAttributeAsync("data-action", "tenant.create");
        await console.ByTestId("audit-prev").ClickAsync();
        await Expect(console.ByTestId("audit-row")).ToHaveCountAsync(10);

        // The CSV: every matching record (not one page), with the header row, downloaded with the cookie.
        await console.ByTestId("audit-action").SelectOptionAsync("session.terminate");
        await console.ByTestId("audit-apply").ClickAsync();
        await Expect(console.ByTestId("audit-total")).ToHaveTextAsync("Total 13 items");
        var download = await console.Page.RunAndWaitForDownloadAsync(() => console.ByTestId("audit-csv").ClickAsync());
        var path = await download.PathAsync();
        var lines = await File.ReadAllLinesAsync(path);
        Assert.Equal("auditId,at,actorKeyId,actorName,actorRole,actorMicrotenantId,clientIp,action,target,outcome,details", lines[0]);
        Assert.Equal(14, lines.Length);
        Assert.All(lines.Skip(1), line => Assert.Contains(",session.terminate,", line, StringComparison.Ordinal));
        Assert.Contains(lines, line => line.Contains($",ops console,tenant-admin,,", StringComparison.Ordinal)
            && line.Contains($",session.terminate,{ada.SessionId},success,", StringComparison.Ordinal));
        Assert.EndsWith(".csv", download.SuggestedFilename, StringComparison.Ordinal);
        console.AssertNoErrors();
    }
}
