using SessionGrains.Silo.Api.Problems;

namespace SessionGrains.Silo.Api.Auth;

/// <summary>
/// Who may call what, as conventions on route groups, in the order the contract answers: 401 for an
/// unknown key, before the body is read; then 400 for a bad tenant id, 403 for a wrong role or
/// tenant, 400 for bad input, and 404 for the operator on an unknown tenant. Each also puts the problems it can answer in the
/// OpenAPI document of the endpoints it guards.
/// </summary>
public static class AccessConventions
{
    /// <summary>
    /// Refuses requests without a known key (the /api/v1 group). Checked by
    /// <see cref="AuthenticationMiddleware"/> before the endpoint runs, so before its body is read.
    /// </summary>
    public static RouteGroupBuilder RequireAuthenticatedCaller(this RouteGroupBuilder group)
    {
        group.WithMetadata(RequiresCaller.Instance).ProducesProblem(StatusCodes.Status401Unauthorized);
        return group;
    }

    /// <summary>
    /// Routes that take no caller at all (the discovery routes: what relying parties fetch, holding
    /// no key). Marked with ASP.NET Core's <see cref="Microsoft.AspNetCore.Authorization.IAllowAnonymous"/>, which
    /// <see cref="AuthenticationMiddleware"/> reads (it then asks for no key even inside a group that
    /// requires one) and the OpenAPI document shows as no security requirement. The tenant must
    /// exist: 404 <c>tenant_not_found</c>, asked of the tenant cache the operator's routes ask, so a
    /// made-up name activates nothing. Not rate limited per key, as there is none.
    /// </summary>
    public static RouteGroupBuilder OpenToAnyone(this RouteGroupBuilder group)
    {
        group.AllowAnonymous();
        group.AddSharedFilter<TenantExistsFilter>().ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    /// <summary>Only the operator.</summary>
    public static RouteGroupBuilder RequireOperator(this RouteGroupBuilder group)
    {
        group.AddSharedFilter<OperatorFilter>().ProducesProblem(StatusCodes.Status403Forbidden);
        return group;
    }

    /// <summary>
    /// The /tenants/{tenantId} group: tenant id and role (each endpoint names its
    /// <see cref="TenantRoles"/> with <see cref="AllowRoles{TBuilder}"/>), the request's input,
    /// then, for the operator, that the tenant exists — checked once here for every tenant route.
    /// </summary>
    public static RouteGroupBuilder RequireTenantAccess(this RouteGroupBuilder group)
    {
        group.AddSharedFilter<TenantAccessFilter>().ProducesProblem(StatusCodes.Status403Forbidden);
        group.ValidateRequests();
        group.AddSharedFilter<TenantExistsFilter>().ProducesProblem(StatusCodes.Status404NotFound);
        return group;
    }

    /// <summary>
    /// Routes of the calling key itself (/me), outside any tenant's path: the key's role must be one
    /// of the endpoint's <see cref="TenantRoles"/> (the operator always may), then its input is
    /// checked. What such a route reaches is the caller's own, so there is no tenant to compare.
    /// </summary>
    public static RouteGroupBuilder RequireCallerRole(this RouteGroupBuilder group)
    {
        group.AddSharedFilter<CallerRoleFilter>().ProducesProblem(StatusCodes.Status403Forbidden);
        group.ValidateRequests();
        return group;
    }

    /// <summary>The roles of the route's tenant that may call these endpoints (the operator always may).</summary>
    public static TBuilder AllowRoles<TBuilder>(this TBuilder builder, TenantRoles roles) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(roles);

    /// <summary>
    /// Marks a route as tenant-wide: a key scoped to a microtenant gets 403 there, even when its
    /// role is allowed. Lists a scoped key may read are not tenant-wide; they are filtered to its scope.
    /// </summary>
    public static TBuilder TenantWide<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(TenantWideRoute.Instance);

    /// <summary>
    /// Adds a filter made once per endpoint from the application's services. The framework's
    /// <c>AddEndpointFilter&lt;T&gt;</c> makes one per request; these hold no request state and
    /// run on every call, validate included, so one instance serves them all.
    /// </summary>
    internal static RouteGroupBuilder AddSharedFilter<TFilter>(this RouteGroupBuilder group) where TFilter : IEndpointFilter =>
        group.AddEndpointFilterFactory((context, next) =>
        {
            var filter = ActivatorUtilities.CreateInstance<TFilter>(context.ApplicationServices);
            return invocation => filter.InvokeAsync(invocation, next);
        });
}
