using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Features;
using SessionGrains.Silo.Api.Console;
using SessionGrains.Silo.Api.OAuth;
using SessionGrains.Silo.Api.Problems;
using SessionGrains.Silo.Api.RateLimits;

namespace SessionGrains.Silo.Api.Auth;

/// <summary>Endpoint metadata: the endpoint needs a known key (every /api/v1 route); <see cref="AuthenticationMiddleware"/> reads it.</summary>
public sealed class RequiresCaller
{
    /// <summary>The one instance.</summary>
    public static RequiresCaller Instance { get; } = new();
}

/// <summary>
/// Endpoint metadata: the endpoint is the operator's alone and a browser opens it (the Orleans
/// dashboard), so the key may also come as the password of HTTP Basic, and a request without the
/// operator key is answered with a Basic challenge for <see cref="Realm"/>, which makes a browser
/// ask for it. <see cref="AuthenticationMiddleware"/> reads it.
/// </summary>
public sealed record RequiresOperatorInBrowser(string Realm);

/// <summary>
/// Endpoint metadata: the endpoint is an OAuth one (RFC 7662 introspection, RFC 7009 revocation),
/// whose callers authenticate as OAuth clients do, with HTTP Basic client credentials (RFC 6749
/// §2.3.1: the key's id and the key) and nothing else; a request without them is answered as RFC 6749
/// §5.2 says, 401 <c>invalid_client</c> with a Basic challenge for <see cref="Realm"/>.
/// <see cref="AuthenticationMiddleware"/> reads it.
/// </summary>
public sealed record RequiresClientCredentials(string Realm);

/// <summary>
/// Refuses every request to a <see cref="RequiresCaller"/> endpoint without a known key (401),
/// before anything else is looked at. A middleware, between routing and the endpoint, rather than
/// an endpoint filter: an endpoint reads and binds its body before its filters run, so a caller
/// without a key would learn how its body fared (400, 413, 415) and have it buffered and parsed.
/// It guards <see cref="RequiresOperatorInBrowser"/> endpoints too, which may be plain request
/// delegates that no endpoint filter reaches. Endpoints with neither (health, /metrics, the
/// OpenAPI document) it leaves alone, and so those marked <see cref="IAllowAnonymous"/>
/// (<see cref="AccessConventions.OpenToAnyone"/>: the discovery routes), whatever their group requires.
/// </summary>
/// <remarks>
/// Refusals count against the client's address (<see cref="FailedAuthenticationLimit"/>); over
/// the limit they are answered 429, and a key is then checked only if its tenant is already in
/// this silo's memory, so a flood of made-up keys costs no lookups, while a client with a working
/// key behind the same address (a NAT, a proxy) is still served.
/// </remarks>
internal sealed class AuthenticationMiddleware(RequestDelegate next, CallerAuthenticator authenticator, FailedAuthenticationLimit refusals)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var metadata = context.GetEndpoint()?.Metadata;
        var browser = metadata?.GetMetadata<RequiresOperatorInBrowser>();
        if (metadata?.GetMetadata<IAllowAnonymous>() is not null || (browser is null && metadata?.GetMetadata<RequiresCaller>() is null))
        {
            await next(context);
            return;
        }

        var client = metadata?.GetMetadata<RequiresClientCredentials>();
        var inHeader = metadata?.GetMetadata<RequiresKeyInHeader>();
        var throttled = refusals.IsExhausted(context, out var retryAfter);
        var caller = client is not null ? await authenticator.AuthenticateClientAsync(context, heldTenantsOnly: throttled)
            : inHeader is not null ? await authenticator.AuthenticateHeaderAsync(context, inHeader.Header, heldTenantsOnly: throttled)
            : await authenticator.AuthenticateAsync(context, acceptBasic: browser is not null, heldTenantsOnly: throttled);
        if (caller is null)
        {
            await RefuseAsync(context, browser, client, inHeader, throttled || !refusals.TryCount(context, out retryAfter) ? retryAfter : null);
            return;
        }

        if (browser is not null && !caller.IsOperator)
        {
            // A tenant's key: known, but not the operator's.
            await ApiProblem.Forbidden().ExecuteAsync(context);
            return;
        }

        if (caller.Console is { } console && !IsSafe(context.Request.Method)
            && !ConsoleCookie.HasCsrfToken(context.Request, console.CsrfToken))
        {
            // A change asked for with the console's cookie alone: what another site's page can
            // make a browser send, so it proves nothing about who asked.
            await ApiProblem.Of<Status403Forbidden>("csrf_token_invalid", "CSRF token missing or wrong",
                $"A change made with the console's cookie needs the session's CSRF token in {ConsoleCookie.CsrfHeader}.").ExecuteAsync(context);
            return;
        }

        context.SetCaller(caller);
        await next(context);
    }

    /// <summary>
    /// 401 (for an OAuth client, RFC 6749's <c>invalid_client</c>; 403 for a key expected in a
    /// header of its own: a gateway's), or 429 when the address is over its limit of refusals
    /// (<paramref name="retryAfter"/> set).
    /// </summary>
    private static Task RefuseAsync(
        HttpContext context, RequiresOperatorInBrowser? browser, RequiresClientCredentials? client, RequiresKeyInHeader? inHeader, TimeSpan? retryAfter)
    {
        if (CannotBeDrained(context))
        {
            // The server reads a small unread body to the end and keeps the connection; one
            // over the limit (or of unknown length) ends the connection, and saying so keeps
            // a client from sending its next request into a connection being closed.
            context.Response.Headers.Connection = "close";
        }

        if (retryAfter is { } wait)
        {
            return RateLimitedAnswer.WriteAsync(context, wait);
        }

        if (client is not null)
        {
            context.Response.Headers.WWWAuthenticate = $"Basic realm=\"{client.Realm}\"";
            return OAuthProblems.InvalidClient().ExecuteAsync(context);
        }

        if (browser is not null)
        {
            context.Response.Headers.WWWAuthenticate = $"Basic realm=\"{browser.Realm}\", charset=\"UTF-8\"";
        }

        if (inHeader is not null)
        {
            return ApiProblem.Of<Status403Forbidden>(RequiresKeyInHeader.RefusalCode, "Invalid gateway key",
                $"The gateway must send a known service key of this tenant in {inHeader.Header}.").ExecuteAsync(context);
        }

        return ApiProblem.Unauthorized().ExecuteAsync(context);
    }

    /// <summary>The methods that only read (RFC 9110 §9.2.1), which no CSRF token guards.</summary>
    private static bool IsSafe(string method) => HttpMethods.IsGet(method) || HttpMethods.IsHead(method) || HttpMethods.IsOptions(method);

    private static bool CannotBeDrained(HttpContext context) =>
        context.Request.ContentLength is not { } length
            ? context.Request.Headers.TransferEncoding.Count > 0
            : length > (context.Features.Get<IHttpMaxRequestBodySizeFeature>()?.MaxRequestBodySize ?? long.MaxValue);
}

/// <summary>Adds <see cref="AuthenticationMiddleware"/> to the pipeline.</summary>
public static class AuthenticationPipeline
{
    /// <summary>Authenticates the callers of the endpoints that need one; after routing, before the endpoint.</summary>
    public static IApplicationBuilder UseCallerAuthentication(this IApplicationBuilder app) =>
        app.UseMiddleware<AuthenticationMiddleware>();
}
