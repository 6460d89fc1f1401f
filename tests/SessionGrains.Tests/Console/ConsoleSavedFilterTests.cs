using System.Text.RegularExpressions;
using SessionGrains.Tests.Infrastructure.Browser;
using static Microsoft.Playwright.Assertions;

namespace SessionGrains.Tests.Console;

/// <summary>Saved filters in the console: save the current view under a name, pick it again, delete it.</summary>
[Trait("Category", "Browser")]
[Collection(BrowserCollection.Name)]
public sealed class ConsoleSavedFilterTests(BrowserFixture fixture)
{
    [Fact]
    public async Task A_view_is_saved_under_a_name_picked_from_the_drop_down_and_deleted()
    {
        var seed = await ConsoleSeed.CreateAsync(fixture);
        var ada = await seed.SignInAsync("ada", 0, clientId: "mobile", email: "ada@acme.test");
        var adaWeb = await seed.SignInAsync("ada", 1, clientId: "portal", email: "ada@acme.test");
        var bob = await seed.SignInAsync("bob", 2, clientId: "mobile");

        await using var console = await fixture.NewConsoleAsync(seed.ConsoleKey, path: "/#/sessions?search=ada&clientId=mobile&sort=-lastActivity");
        await Expect(console.ByTestId("total")).ToHaveTextAsync("Total 1 items");
        await Expect(console.ByTestId("saved-filters")).ToHaveValueAsync("");
        await Expect(console.ByTestId("delete-filter")).ToBeDisabledAsync();

        // A name that is not an identifier is refused in the dialog, in words.
        await console.ByTestId("save-filter").ClickAsync();
        await console.ByTestId("save-filter-name").FillAsync("ada on mobile");
        await console.ByTestId("save-filter-confirm").ClickAsync();
        await Expect(console.ByTestId("save-filter-dialog")).ToContainTextAsync("no spaces");
        await console.ByTestId("save-filter-name").FillAsync("ada-mobile");
        await console.ByTestId("save-filter-confirm").ClickAsync();
        await Expect(console.ByTestId("save-filter-dialog")).ToHaveCountAsync(0);
        await Expect(console.ByTestId("toast").Last).ToContainTextAsync("ada-mobile");
        await Expect(console.ByTestId("saved-filters")).ToHaveValueAsync("ada-mobile");

        // Another view leaves the saved one; picking it brings the search, filter and sort back.
        await console.ByTestId("search").FillAsync("");
        await Expect(console.ByTestId("total")).ToHaveTextAsync("Total 2 items");
        await Expect(console.ByTestId("saved-filters")).ToHaveValueAsync("");
        await console.Page.GotoAsync("/#/sessions");
        await Expect(console.ByTestId("total")).ToHaveTextAsync("Total 4 items");
        await console.ByTestId("saved-filters").SelectOptionAsync("ada-mobile");
        await Expect(console.ByTestId("total")).ToHaveTextAsync("Total 1 items");
        await Expect(console.SessionRow(ada.SessionId)).ToBeVisibleAsync();
        await Expect(console.SessionRow(adaWeb.SessionId)).ToHaveCountAsync(0);
        await Expect(console.SessionRow(bob.SessionId)).ToHaveCountAsync(0);
        await Expect(console.ByTestId("search")).ToHaveValueAsync("ada");
        await Expect(console.Page).ToHaveURLAsync(new Regex("search=ada.*clientId=mobile.*sort=-lastActivity"));
        await Expect(console.Page.Locator("th[data-sort=\"lastActivity\"]")).ToHaveAttributeAsync("aria-sort", "descending");

        // It is the key's own, kept by the server: another browser of the same key sees it.
        await using var other = await fixture.NewConsoleAsync(seed.ConsoleKey);
        await Expect(other.ByTestId("saved-filters").Locator("option[value=\"ada-mobile\"]")).ToHaveCountAsync(1);

        await console.ByTestId("delete-filter").ClickAsync();
        await Expect(console.ByTestId("confirm-message")).ToContainTextAsync("ada-mobile");
        await console.ByTestId("confirm-ok").ClickAsync();
        await Expect(console.ByTestId("saved-filters").Locator("option[value=\"ada-mobile\"]")).ToHaveCountAsync(0);
        await Expect(console.ByTestId("delete-filter")).ToBeDisabledAsync();
        await other.Page.ReloadAsync();
        await Expect(other.ByTestId("whoami")).ToBeVisibleAsync();
        await Expect(other.ByTestId("saved-filters").Locator("option[value=\"ada-mobile\"]")).ToHaveCountAsync(0);
        console.AssertNoErrors();
    }
}
