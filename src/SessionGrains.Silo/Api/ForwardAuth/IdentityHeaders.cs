using System.Reflection;
using Microsoft.AspNetCore.Http.Metadata;
using SessionGrains.Sessions;

namespace SessionGrains.Silo.Api.ForwardAuth;

/// <summary>
/// Forward auth's yes: 200 with no body, the session's identity in headers a gateway copies onto
/// the request it lets through. A header whose value the session does not have is left out; so is
/// an email outside printable ASCII, which a header value cannot carry as it is (validate's JSON does).
/// </summary>
public sealed class IdentityHeaders(ValidationResult session) : IResult, IStatusCodeHttpResult, IEndpointMetadataProvider
{
    /// <summary>The session's id.</summary>
    public const string SessionId = "X-Session-Id";

    /// <summary>The session's user.</summary>
    public const string UserId = "X-User-Id";

    /// <summary>The user's email, when the sign-in gave one.</summary>
    public const string UserEmail = "X-User-Email";

    /// <summary>The session's microtenant, when it has one.</summary>
    public const string MicrotenantId = "X-Microtenant-Id";

    /// <summary>The client the session signed in to.</summary>
    public const string ClientId = "X-Client-Id";

    /// <inheritdoc/>
    public int? StatusCode => StatusCodes.Status200OK;

    /// <inheritdoc/>
    public Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        Set(response, SessionId, session.SessionId);
        Set(response, UserId, session.UserId);
        Set(response, UserEmail, session.UserEmail);
        Set(response, MicrotenantId, session.MicrotenantId);
        Set(response, ClientId, session.ClientId);

        // An answer about one user's token: no cache between the gateway and here may keep it.
        response.Headers.CacheControl = "no-store";
        response.ContentLength = 0;
        return Task.CompletedTask;
    }

    /// <inheritdoc/>
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(void)));

    private static void Set(HttpResponse response, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value) && value.All(c => c is >= ' ' and < '\x7f'))
        {
            response.Headers[name] = value;
        }
    }
}
