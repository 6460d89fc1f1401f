using System.Net;
using System.Text.RegularExpressions;
using SessionGrains.Tests.Infrastructure;

namespace SessionGrains.Tests.Api;

/// <summary>
/// The console's files as a browser fetches them: the page at <c>/</c> and every script and style
/// it names under <c>/console/</c>, from the silo's assembly, each with the console's security
/// headers and the content type a browser needs to run a module; a file that is not there is a
/// plain 404.
/// </summary>
[Trait("Category", "Cluster")]
[Collection(SiloCollection.Name)]
public sealed partial class ConsoleAssetsTests(SiloFixture fixture) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseCookies = false }) { BaseAddress = fixture.Silo.Settings.BaseAddress };

    public void Dispose() => _http.Dispose();

    [GeneratedRegex("""(?:src|href)="(/console/[^"]+)""")]
    private static partial Regex Asset();

    [GeneratedRegex("""(?:from|import)\s*\(?\s*['"](\.{1,2}/[^'"]+)['"]""")]
    private static partial Regex RelativeImport();

    [GeneratedRegex("""<link rel="modulepreload" href="(/console/[^"]+)">""")]
    private static partial Regex Preload();

    private static void AssertConsoleHeaders(HttpResponseMessage response)
    {
        var policy = string.Join(" ", response.Headers.GetValues("Content-Security-Policy"));
        Assert.Contains("default-src 'self'", policy, StringComparison.Ordinal);
        Assert.Contains("script-src 'self'", policy, StringComparison.Ordinal);
        Assert.Contains("frame-ancestors 'none'", policy, StringComparison.Ordinal);
        Assert.DoesNotContain("unsafe-inline", policy, StringComparison.Ordinal);
        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
    }

    [Fact]
    public async Task The_page_and_every_module_it_loads_are_served_with_the_consoles_headers_and_types()
    {
        using var page = await _http.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        AssertConsoleHeaders(page);
        var html = await page.Content.ReadAsStringAsync();
        Assert.DoesNotContain("<script>", html, StringComparison.OrdinalIgnoreCase); // no inline script: the policy would refuse it

        // The page's own files, then every module they import, each served (a missing one would leave the console blank).
        var pending = new Queue<string>(Asset().Matches(html).Select(m => m.Groups[1].Value));
        Assert.Contains(pending, p => p.EndsWith(".js", StringComparison.Ordinal));
        Assert.Contains(pending, p => p.EndsWith(".css", StringComparison.Ordinal));
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var imported = new HashSet<string>(StringComparer.Ordinal);
        while (pending.TryDequeue(out var path) && seen.Count < 200)
        {
            if (!seen.Add(path))
            {
                continue;
            }

            using var asset = await _http.GetAsync(path);
            Assert.True(asset.StatusCode == HttpStatusCode.OK, $"{path}: {(int)asset.StatusCode}");
            AssertConsoleHeaders(asset);
            var type = asset.Content.Headers.ContentType?.MediaType;
            if (path.EndsWith(".js", StringComparison.Ordinal))
            {
                Assert.True(type is "text/javascript" or "application/javascript", $"{path}: {type}");
                var directory = new Uri(new Uri("http://x"), path);
                foreach (Match import in RelativeImport().Matches(await asset.Content.ReadAsStringAsync()))
                {
                    var module = new Uri(directory, import.Groups[1].Value).AbsolutePath;
                    imported.Add(module);
                    pending.Enqueue(module);
                }
            }
            else if (path.EndsWith(".css", StringComparison.Ordinal))
            {
                Assert.Equal("text/css", type);
            }
        }

        Assert.True(seen.Count >= 3, $"only {seen.Count} files: {string.Join(", ", seen)}");

        // The page preloads exactly the modules its script imports, so they load at once rather
        // than one round of imports after another, and none is left out or stale.
        var preloaded = Preload().Matches(html).Select(m => m.Groups[1].Value).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(imported.Order(StringComparer.Ordinal).ToList(), preloaded);
    }

    [Theory]
    [InlineData("/console/no-such-file.js")]
    [InlineData("/console/../SessionGrains.Silo.dll")]
    [InlineData("/console/%2e%2e/appsettings.json")]
    public async Task A_file_that_is_not_the_consoles_is_not_found(string path)
    {
        using var response = await _http.GetAsync(path);
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }
}
