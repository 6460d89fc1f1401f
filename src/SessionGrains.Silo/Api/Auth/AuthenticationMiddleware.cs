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
/// Refuses every request to a <see cref="RequiresCaller"/> endpoint without a known key (401),
/// before anything else is looked at. A middleware, between routing and the endpoint, rather than
/// an endpoint filter: an endpoint reads and binds its body before its filters run, so a caller
/// without a key would learn how its body fared (400, 413, 415) and have it buffered and parsed.
/// </summary>
internal sealed class AuthenticationMiddleware(RequestDelegate next, CallerAuthenticator authenticator)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<RequiresCaller>() is not null)
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
