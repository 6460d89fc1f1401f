using System.Diagnostics;
using System.Net;
using System.Text.RegularExpressions;
using SessionGrains.Tests.Infrastructure;
using SessionGrains.Tests.Infrastructure.Browser;
using Xunit.Abstractions;
using static Microsoft.Playwright.Assertions;

namespace SessionGrains.Tests.Console;

/// <summary>
/// Paging past the API's offset limit: (page - 1) × pageSize above 10,000 is refused
/// (page_too_deep), so the console walks on by nextCursor there, and back by the cursors it kept.
/// </summary>
[Trait("Category", "Browser")]
[Collection(BrowserCollection.Name)]
public sealed class ConsoleDeepPagingTests(BrowserFixture fixture, ITestOutputHelper output)
{
    /// <summary>With the console session, 10,011 rows: page 1,002 of ten a page starts at offset 10,010.</summary>
    private const int Users = 10_010;

    [Fact]
    public async Task Past_the_offset_limit_the_table_pages_by_cursor_forward_and_back()
    {
        var tenantId = await fixture.CreateTenantAsync();
        var service = (await fixture.CreateKeyAsync(tenantId, "service")).Key;
        var clock = Stopwatch.StartNew();
        using (var gate = new SemaphoreSlim(16))
        {
            await Task.WhenAll(Enumerable.Range(0, Users).Select(async i =>
            {
                await gate.WaitAsync();
                try
                {
                    (await fixture.Api.PostAsync($"/api/v1/tenants/{tenantId}/sessions", service, new { userId = $"u{i:D5}", clientId = "portal", ipAddress = "203.0.113.7" }))
                        .Expect(HttpStatusCode.Created);
                }
                finally
                {
                    gate.Release();
                }
            }));
        }

        output.WriteLine($"{Users} sign-ins in {clock.Elapsed.TotalSeconds:F1} s");
        var key = await fixture.CreateKeyAsync(tenantId, "auditor");

        // Page 1,001 is the deepest an offset reaches (offset 10,000).
        await using var console = await fixture.NewConsoleAsync(key, path: "/#/sessions?pageSize=10&page=1001&sort=createdAt");
        await Expect(console.ByTestId("total")).ToHaveTextAsync("Total 10,011 items");
        await Expect(console.ByTestId("page-info")).ToHaveTextAsync("Page 1,001 of 1,002");
        await Expect(console.ByTestId("session-row")).ToHaveCountAsync(10);
        var page1001 = await RowIdsAsync(console);

        // Next: by cursor, since page 1,002 (offset 10,010) is too deep for an offset.
        await console.ByTestId("page-next").ClickAsync();
        await Expect(console.ByTestId("page-info")).ToHaveTextAsync("Page 1,002 of 1,002");
        await Expect(console.Page).ToHaveURLAsync(new Regex("cursor="));
        // Oldest first: the last row is the newest session, the console's own.
        await Expect(console.ByTestId("session-row")).ToHaveCountAsync(1);
        await Expect(console.ByTestId("current-session-tag")).ToHaveCountAsync(1);
        await Expect(console.ByTestId("page-next")).ToBeDisabledAsync();
        await Expect(console.ByTestId("table-error")).ToHaveCountAsync(0);

        // A reload keeps the cursor page, and Previous still finds its way back.
        await console.Page.ReloadAsync();
        await Expect(console.ByTestId("page-info")).ToHaveTextAsync("Page 1,002 of 1,002");
        await Expect(console.ByTestId("current-session-tag")).ToHaveCountAsync(1);
        await console.ByTestId("page-prev").ClickAsync();
        await Expect(console.ByTestId("page-info")).ToHaveTextAsync("Page 1,001 of 1,002");
        await Expect(console.Page).Not.ToHaveURLAsync(new Regex("cursor="));
        await Expect(console.ByTestId("session-row")).ToHaveCountAsync(10);
        Assert.Equal(page1001, await RowIdsAsync(console));

        // From an offset page below the limit: Next by page number up to 1,001, then by cursor; Previous walks back the same way.
        await console.Page.GotoAsync("/#/sessions?pageSize=10&page=1000&sort=createdAt");
        await Expect(console.ByTestId("page-info")).ToHaveTextAsync("Page 1,000 of 1,002");
        await console.ByTestId("page-next").ClickAsync();
        await Expect(console.ByTestId("page-info")).ToHaveTextAsync("Page 1,001 of 1,002");
        await Expect(console.Page).Not.ToHaveURLAsync(new Regex("cursor="));
        await console.ByTestId("page-next").ClickAsync();
        await Expect(console.ByTestId("page-info")).ToHaveTextAsync("Page 1,002 of 1,002");
        await console.ByTestId("page-prev").ClickAsync();
        await console.ByTestId("page-prev").ClickAsync();
        await Expect(console.ByTestId("page-info")).ToHaveTextAsync("Page 1,000 of 1,002");
        console.AssertNoErrors();
    }

    private static Task<string[]> RowIdsAsync(ConsolePage console) =>
        console.ByTestId("session-row").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.sessionId)");
}
