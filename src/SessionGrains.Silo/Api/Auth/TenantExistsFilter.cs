using SessionGrains.Grains;
using SessionGrains.Grains.Caching;
using SessionGrains.Silo.Api.Problems;

namespace SessionGrains.Silo.Api.Auth;

/// <summary>
/// 404 <c>tenant_not_found</c> when the operator, or anyone on a route that takes no caller
/// (<see cref="AccessConventions.OpenToAnyone"/>), names a tenant that does not exist. A tenant key
/// is not asked about: it authenticated against its own tenant, which therefore exists. An id that
/// no tenant can have is not looked up at all.
/// </summary>
internal sealed class TenantExistsFilter(TenantCache tenants) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var tenantId = (string)http.Request.RouteValues["tenantId"]!;
        var caller = http.FindCaller();
        if (caller is null && !Identifier.IsValid(tenantId))
        {
            return ApiProblem.TenantNotFound(tenantId);
        }

        if ((caller is null || caller.IsOperator) && !(await tenants.GetAsync(tenantId)).Exists)
        {
            return ApiProblem.TenantNotFound(tenantId);
        }

        return await next(context);
    }
}
