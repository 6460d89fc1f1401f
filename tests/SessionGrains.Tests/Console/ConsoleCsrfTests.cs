using System.Text.Json;
using System.Text.Json.Nodes;
using SessionGrains.Tests.Infrastructure;
using SessionGrains.Tests.Infrastructure.Browser;
using static Microsoft.Playwright.Assertions;

namespace SessionGrains.Tests.Console;

/// <summary>
/// State-changing calls made with the console cookie need the console session's CSRF token in a
/// header, which a forged request cannot carry; and the SameSite=Strict cookie does not even go
/// along with another site's requests.
/// </summary>
[Trait("Category", "Browser")]
[Collection(BrowserCollection.Name)]
public sealed class ConsoleCsrfTests(BrowserFixture fixture)
{
    private const string FetchScript = """
        async ([path, body, token]) => {
            const headers = { 'Content-Type': 'application/json' };
            if (token !== null) headers['X-CSRF-Token'] = token;
            const response = await fetch(path, { method: 'POST', headers, body, credentials: 'include' });
            return { status: response.status, body: await response.text() };
        }
        """;

    [Fact]
    public async Task A_post_with_the_cookie_but_without_the_csrf_token_is_refused()
    {
        var key = await fixture.NewTenantKeyAsync("tenant-admin");
        var tenantId = key.TenantId;
        var service = await fixture.CreateKeyAsync(tenantId, "service");
        var victim = await fixture.Site.SignInUserAsync(tenantId, service.Key, "victim");
        await using var console = await fixture.NewConsoleAsync(key);
        await Expect(console.SessionRow(victim)).ToBeVisibleAsync();
        var path = $"/api/v1/tenants/{tenantId}/sessions/terminate";
        var body = new JsonObject { ["sessionIds"] = new JsonArray(victim) }.ToJsonString();

        foreach (var token in new[] { null, "not-the-token" })
        {
            var refused = await FetchAsync(console, path, body, token);
            Assert.True(refused.Status == 403, $"Without the right token: {refused.Status} {refused.Body}");
            Assert.Equal("csrf_token_invalid", JsonNode.Parse(refused.Body)!["code"]!.GetValue<string>());
        }

        Assert.Equal("active", (await fixture.Site.SessionAsync(tenantId, victim)).Str("status"));

        // The same request with the session's token goes through: the refusals were the token's doing.
        var csrfToken = (await console.ConsoleSessionAsync())!.Str("csrfToken");
        var allowed = await FetchAsync(console, path, body, csrfToken);
        Assert.True(allowed.Status == 200, $"With the token: {allowed.Status} {allowed.Body}");
        Assert.Equal("terminated", JsonNode.Parse(allowed.Body)!["results"]![0]!["outcome"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_form_posted_from_another_origin_ends_nothing()
    {
        var key = await fixture.NewTenantKeyAsync("tenant-admin");
        var tenantId = key.TenantId;
        var service = await fixture.CreateKeyAsync(tenantId, "service");
        var victim = await fixture.Site.SignInUserAsync(tenantId, service.Key, "victim");
        await using var console = await fixture.NewConsoleAsync(key);
        await Expect(console.SessionRow(victim)).ToBeVisibleAsync();
        var target = new Uri(fixture.Site.BaseAddress, $"/api/v1/tenants/{tenantId}/sessions/terminate");

        // The classic forged JSON post: a text/plain form whose one field spells a JSON body, sent
        // by a plain HTML form (no script, so no preflight and no custom header).
        var html = $$"""
            <!doctype html><html><body>
            <form method="post" action="{{target}}" enctype="text/plain">
              <input type="hidden" name='{"sessionIds":["{{victim}}"],"padding":"' value='"}'>
              <button id="win" type="submit">Claim your prize</button>
            </form>
            </body></html>
            """;
        await using var foreign = await ForeignSite.StartAsync(html);

        // Another origin of the same site (127.0.0.1, another port): the browser sends the
        // SameSite=Strict cookie along, so only the missing CSRF token stands in the way.
        var sameSite = await PostFormAsync(console, foreign.SameSiteOrigin, target);
        Assert.True(sameSite.Status == 403, $"Same-site form post: {sameSite.Status} {sameSite.Body}");
        Assert.Equal("csrf_token_invalid", JsonNode.Parse(sameSite.Body)!["code"]!.GetValue<string>());

        // Another site (localhost): the cookie stays home, so the request is not even signed in.
        var crossSite = await PostFormAsync(console, foreign.CrossSiteOrigin, target);
        Assert.True(crossSite.Status == 401, $"Cross-site form post: {crossSite.Status} {crossSite.Body}");

        Assert.Equal("active", (await fixture.Site.SessionAsync(tenantId, victim)).Str("status"));
        // And the admin is still signed in.
        Assert.NotNull(await console.ConsoleSessionAsync());
    }

    /// <summary>A POST from the console's own page with its cookie, with <paramref name="token"/> as <c>X-CSRF-Token</c> when not null.</summary>
    private static async Task<FetchResult> FetchAsync(ConsolePage console, string path, string body, string? token)
    {
        var result = await console.Page.EvaluateAsync<JsonElement>(FetchScript, new object?[] { path, body, token });
        return new FetchResult(result.GetProperty("status").GetInt32(), result.GetProperty("body").GetString()!);
    }

    /// <summary>Opens the foreign page at <paramref name="origin"/>, submits its form, and returns the silo's answer.</summary>
    private static async Task<FetchResult> PostFormAsync(ConsolePage console, Uri origin, Uri target)
    {
        await console.Page.GotoAsync(origin.ToString());
        var response = await console.Page.RunAndWaitForResponseAsync(
            () => console.Page.Locator("#win").ClickAsync(),
            r => r.Url == target.ToString() && r.Request.Method == "POST");
        return new FetchResult(response.Status, await response.TextAsync());
    }

    /// <summary>What the page's fetch (or the form's navigation) got back.</summary>
    private sealed record FetchResult(int Status, string Body);
}
