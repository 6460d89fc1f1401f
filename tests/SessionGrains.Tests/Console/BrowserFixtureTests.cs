using Microsoft.Playwright;
using SessionGrains.Tests.Infrastructure.Browser;

namespace SessionGrains.Tests.Console;

/// <summary>The browser fixture itself: Debian's Chromium starts under Playwright's driver and reaches the silo.</summary>
[Trait("Category", "Browser")]
[Collection(BrowserCollection.Name)]
public sealed class BrowserFixtureTests(BrowserFixture fixture)
{
    [Fact]
    public async Task Chromium_loads_a_page_of_the_silo_and_saves_a_screenshot()
    {
        await using var console = await fixture.NewPageAsync();
        var response = await console.Page.GotoAsync("/openapi/v1.json");
        Assert.Equal(200, response!.Status);
        await Assertions.Expect(console.Page.Locator("body")).ToContainTextAsync("\"openapi\"");
        Assert.Equal("UTC", await console.Page.EvaluateAsync<string>("Intl.DateTimeFormat().resolvedOptions().timeZone"));
        Assert.Equal(1440, await console.Page.EvaluateAsync<int>("window.innerWidth"));

        var file = await Screenshots.SaveAsync(console.Page, "fixture-openapi");
        Assert.True(new FileInfo(file).Length > 0);
    }
}
