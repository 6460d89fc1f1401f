using SessionGrains.Silo.Api.Problems;
using SessionGrains.Tenants;

namespace SessionGrains.Silo.Api.Auth;

/// <summary>
/// Who may call what. The group filter authenticates every /api/v1 request (401); the endpoint
/// filters then check the route's tenant id (400) and the caller's role and tenant (403), in that
/// order, before any handler runs.
/// </summary>
public static class AccessFilters
{
    private const string CallerItem = "sessiongrains.caller";

    /// <summary>The roles that may run the session lifecycle routes.</summary>
    public static readonly ApiKeyRole[] Lifecycle = [ApiKeyRole.Service, ApiKeyRole.TenantAdmin];

    /// <summary>The roles that may read a tenant's administration data.</summary>
    public static readonly ApiKeyRole[] Readers = [ApiKeyRole.TenantAdmin, ApiKeyRole.Auditor];

    /// <summary>The roles that may change a tenant's settings and keys, or act tenant-wide.</summary>
    public static readonly ApiKeyRole[] Admins = [ApiKeyRole.TenantAdmin];

    /// <summary>The roles that may read sessions (a microtenant-scoped key sees its microtenant only).</summary>
    public static readonly ApiKeyRole[] SessionReaders = [ApiKeyRole.TenantAdmin, ApiKeyRole.Auditor, ApiKeyRole.MicrotenantAdmin];

    /// <summary>The roles that may end sessions (a microtenant admin, those of its microtenant only).</summary>
    public static readonly ApiKeyRole[] SessionAdmins = [ApiKeyRole.TenantAdmin, ApiKeyRole.MicrotenantAdmin];

    /// <summary>The authenticated caller of this request.</summary>
    public static Caller GetCaller(this HttpContext context) => (Caller)context.Items[CallerItem]!;

    /// <summary>Refuses requests without a known key.</summary>
    public static RouteGroupBuilder RequireAuthenticatedCaller(this RouteGroupBuilder group) =>
        group.AddEndpointFilter(async (context, next) =>
        {
            var http = context.HttpContext;
            var caller = await http.RequestServices.GetRequiredService<CallerAuthenticator>().AuthenticateAsync(http);
            if (caller is null)
            {
                return ApiProblem.Unauthorized();
            }

            http.Items[CallerItem] = caller;
            return await next(context);
        });

    /// <summary>Only the operator.</summary>
    public static TBuilder RequireOperator<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
            context.HttpContext.GetCaller().IsOperator ? await next(context) : ApiProblem.Forbidden());

    /// <summary>The operator, or a key of the route's tenant with one of the roles.</summary>
    public static TBuilder RequireTenantRole<TBuilder>(this TBuilder builder, params ApiKeyRole[] roles) where TBuilder : IEndpointConventionBuilder =>
        builder.AddEndpointFilter(async (context, next) =>
        {
            var tenantId = context.HttpContext.Request.RouteValues["tenantId"] as string ?? "";
            if (Validator.CheckIdentifier("tenantId", tenantId) is { } invalid)
            {
                return invalid;
            }

            return context.HttpContext.GetCaller().May(tenantId, roles) ? await next(context) : ApiProblem.Forbidden();
        });
}
