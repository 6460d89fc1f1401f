using SessionGrains.Grains.Caching;
using SessionGrains.Silo.Api.Problems;

namespace SessionGrains.Silo.Api.Auth;

/// <summary>
/// 404 <c>tenant_not_found</c> when the operator names a tenant that does not exist. Only the
/// operator is asked about: a tenant key authenticated against its own tenant, which therefore exists.
/// </summary>
internal sealed class TenantExistsFilter(TenantCache tenants) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var tenantId = (string)http.Request.RouteValues["tenantId"]!;
        if (http.GetCaller().IsOperator && !(await tenants.GetAsync(tenantId)).Exists)
        {
            return ApiProblem.TenantNotFound(tenantId);
        }

        return await next(context);
    }
}
