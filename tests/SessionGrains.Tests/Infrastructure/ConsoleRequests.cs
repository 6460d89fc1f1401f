using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace SessionGrains.Tests.Infrastructure;

/// <summary>
/// Requests as the web console's browser makes them: signed in once with a key, then with the
/// console's cookie and no Authorization header, and the CSRF token on changes.
/// </summary>
public static class ConsoleRequests
{
    /// <summary>The console's cookie name, as the contract names it.</summary>
    public const string CookieName = "sg_console";

    /// <summary>Signs in to the console with <paramref name="key"/>: the cookie's value and the console session.</summary>
    public static async Task<(string Cookie, JsonObject Session)> SignInToConsoleAsync(this ApiClient api, string key, string? userAgent = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/v1/console/session");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (userAgent is not null)
        {
            request.Headers.TryAddWithoutValidation("User-Agent", userAgent);
        }

        var response = (await api.SendAsync(request)).Expect(HttpStatusCode.OK);
        var set = Assert.Single(response.SetCookies, c => c.StartsWith(CookieName + "=", StringComparison.Ordinal));
        return (set[(CookieName.Length + 1)..set.IndexOf(';', StringComparison.Ordinal)], response.Json);
    }

    /// <summary>A request with the console's cookie (and <paramref name="csrf"/> in X-CSRF-Token when given), no key.</summary>
    public static Task<Response> SendAsConsoleAsync(this ApiClient api, HttpMethod method, string path, string cookie, string? csrf = null, object? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.TryAddWithoutValidation("Cookie", $"{CookieName}={cookie}");
        if (csrf is not null)
        {
            request.Headers.TryAddWithoutValidation("X-CSRF-Token", csrf);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return SendAndDisposeAsync(api, request);
    }

    private static async Task<Response> SendAndDisposeAsync(ApiClient api, HttpRequestMessage request)
    {
        using (request)
        {
            return await api.SendAsync(request);
        }
    }
}
