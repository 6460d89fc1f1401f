using Microsoft.AspNetCore.Http.Features;
using SessionGrains.Silo.Api.Problems;

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
/// Refuses every request to a <see cref="RequiresCaller"/> endpoint without a known key (401),
/// before anything else is looked at. A middleware, between routing and the endpoint, rather than
/// an endpoint filter: an endpoint reads and binds its body before its filters run, so a caller
/// without a key would learn how its body fared (400, 413, 415) and have it buffered and parsed.
/// It guards <see cref="RequiresOperatorInBrowser"/> endpoints too, which may be plain request
/// delegates that no endpoint filter reaches. Endpoints with neither (health, /metrics, the
/// OpenAPI document) it leaves alone.
/// </summary>
internal sealed class AuthenticationMiddleware(RequestDelegate next, CallerAuthenticator authenticator)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var metadata = context.GetEndpoint()?.Metadata;
        if (metadata?.GetMetadata<RequiresOperatorInBrowser>() is { } browser)
        {
            switch (await authenticator.AuthenticateAsync(context, acceptBasic: true))
            {
                case { IsOperator: true } caller:
                    context.SetCaller(caller);
                    break;
                case null:
                    context.Response.Headers.WWWAuthenticate = $"Basic realm=\"{browser.Realm}\", charset=\"UTF-8\"";
                    await ApiProblem.Unauthorized().ExecuteAsync(context);
                    return;
                default:
                    // A tenant's key: known, but not the operator's.
                    await ApiProblem.Forbidden().ExecuteAsync(context);
                    return;
            }
        }
        else if (metadata?.GetMetadata<RequiresCaller>() is not null)
        {
            if (await authenticator.AuthenticateAsync(context) is not { } caller)
            {
                if (CannotBeDrained(context))
                {
                    // The server reads a small unread body to the end and keeps the connection; one
                    // over the limit (or of unknown length) ends the connection, and saying so keeps
                    // a client from sending its next request into a connection being closed.
                    context.Response.Headers.Connection = "close";
                }

                await ApiProblem.Unauthorized().ExecuteAsync(context);
                return;
            }

            context.SetCaller(caller);
        }

        await next(context);
    }

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
