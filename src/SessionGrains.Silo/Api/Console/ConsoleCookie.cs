using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace SessionGrains.Silo.Api.Console;

/// <summary>
/// The cookie that holds a console session's access token, and the CSRF token derived from it.
/// The cookie is HttpOnly (no script reads the token), SameSite=Strict (no other site's page
/// sends it) and Secure over HTTPS. The CSRF token is a keyed hash of the access token: any silo
/// recomputes it from the cookie, nothing is stored, and knowing it reveals nothing of the token.
/// </summary>
public static class ConsoleCookie
{
    /// <summary>The cookie's name.</summary>
    public const string Name = "sg_console";

    /// <summary>The header every state-changing request of the console carries the CSRF token in.</summary>
    public const string CsrfHeader = "X-CSRF-Token";

    private static readonly byte[] CsrfPurpose = Encoding.ASCII.GetBytes("sessiongrains/console/csrf/v1");

    /// <summary>The access token the request's cookie holds, or null.</summary>
    public static string? Read(HttpRequest request) =>
        request.Cookies.TryGetValue(Name, out var token) && !string.IsNullOrEmpty(token) ? token : null;

    /// <summary>Sets the cookie to <paramref name="token"/>, for as long as the session can live.</summary>
    public static void Write(HttpContext http, string token, DateTimeOffset? expiresAt) =>
        http.Response.Cookies.Append(Name, token, Options(http, expiresAt));

    /// <summary>Tells the browser to forget the cookie.</summary>
    public static void Clear(HttpContext http) => http.Response.Cookies.Delete(Name, Options(http, expiresAt: null));

    /// <summary>The CSRF token of the console session whose access token is <paramref name="token"/>.</summary>
    public static string CsrfTokenOf(string token) =>
        Base64Url.EncodeToString(HMACSHA256.HashData(SHA256.HashData(Encoding.UTF8.GetBytes(token)), CsrfPurpose));

    /// <summary>True when the request carries <paramref name="expected"/> in <see cref="CsrfHeader"/>, compared in constant time.</summary>
    public static bool HasCsrfToken(HttpRequest request, string expected)
    {
        var presented = request.Headers[CsrfHeader];
        return presented.Count == 1 && presented[0] is { Length: > 0 and <= 64 } value
            && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(value), Encoding.UTF8.GetBytes(expected));
    }

    private static CookieOptions Options(HttpContext http, DateTimeOffset? expiresAt) => new()
    {
        HttpOnly = true,
        SameSite = SameSiteMode.Strict,
        Secure = http.Request.IsHttps,
        Path = "/",
        Expires = expiresAt,
        IsEssential = true,
    };
}
