using SessionGrains.Silo.Api.Problems;

namespace SessionGrains.Silo.Api.Auth;

/// <summary>
/// The door of every /tenants/{tenantId} route: a bad tenant id is a 400, then a key without one
/// of the endpoint's <see cref="TenantRoles"/>, of another tenant, or scoped to a microtenant on a
/// <see cref="TenantWideRoute"/>, a 403 — always the same body, and before any lookup, so it says
/// nothing about the other tenant and costs nothing.
/// </summary>
internal sealed class TenantAccessFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var tenantId = http.Request.RouteValues["tenantId"] as string;
        var validator = new Validator();
        validator.Identifier("tenantId", tenantId);
        if (!validator.IsValid)
        {
            return validator.Problem();
        }

        var metadata = http.GetEndpoint()?.Metadata;
        var roles = metadata?.GetMetadata<TenantRoles>()?.Roles ?? [];
        var tenantWide = metadata?.GetMetadata<TenantWideRoute>() is not null;
        return http.GetCaller().May(tenantId!, roles, tenantWide) ? await next(context) : ApiProblem.Forbidden();
    }
}
