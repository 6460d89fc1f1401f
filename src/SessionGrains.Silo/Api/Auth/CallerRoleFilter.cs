using SessionGrains.Silo.Api.Problems;

namespace SessionGrains.Silo.Api.Auth;

/// <summary>
/// The door of the caller's own routes (/me): a key without one of the endpoint's
/// <see cref="TenantRoles"/> gets a 403, the same body as everywhere, before its input is looked at.
/// </summary>
internal sealed class CallerRoleFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var roles = context.HttpContext.GetEndpoint()?.Metadata.GetMetadata<TenantRoles>()?.Roles ?? [];
        return context.HttpContext.GetCaller().Has(roles) ? await next(context) : ApiProblem.Forbidden();
    }
}
