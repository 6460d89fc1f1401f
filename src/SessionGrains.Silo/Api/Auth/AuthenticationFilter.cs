using SessionGrains.Silo.Api.Problems;

namespace SessionGrains.Silo.Api.Auth;

/// <summary>Refuses every request without a known key (401), before anything else is looked at.</summary>
internal sealed class AuthenticationFilter(CallerAuthenticator authenticator) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        if (await authenticator.AuthenticateAsync(http) is not { } caller)
        {
            return ApiProblem.Unauthorized();
        }

        http.SetCaller(caller);
        return await next(context);
    }
}
