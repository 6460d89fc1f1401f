using SessionGrains.Silo.Api.Audit;
using SessionGrains.Silo.Api.Auth;
using SessionGrains.Silo.Api.Clients;
using SessionGrains.Silo.Api.Console;
using SessionGrains.Silo.Api.Discovery;
using SessionGrains.Silo.Api.OAuth;
using SessionGrains.Silo.Api.ForwardAuth;
using SessionGrains.Silo.Api.Problems;
using SessionGrains.Silo.Api.RateLimits;
using SessionGrains.Silo.Api.SavedFilters;
using SessionGrains.Silo.Api.Sessions;
using SessionGrains.Silo.Api.SigningKeys;
using SessionGrains.Silo.Api.Tenants;
using SessionGrains.Silo.Api.Users;

namespace SessionGrains.Silo.Api;

/// <summary>
/// The route tree of /api/v1. Who may call what is decided by the groups' filters, once, not by
/// each handler: every route needs a known key and counts against its key's limit (the lifecycle
/// and OAuth routes against their own), and every administrative answer is recorded in
/// the audit log before it leaves; /tenants and /audit are the operator's; every
/// /tenants/{tenantId} route checks its tenant id, the caller's role, its input and (for the
/// operator) that the tenant exists, in that order; /me routes are the calling key's own, and
/// check its role and its input. The discovery routes alone take no key at all: relying parties
/// fetch them, and they only publish (the JWKS, the provider metadata).
/// </summary>
public static class ApiRoutes
{
    /// <summary>Maps every route of this version.</summary>
    public static IEndpointRouteBuilder MapApiV1(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/v1").RequireAuthenticatedCaller().RateLimited(RateLimitPolicy.Admin).RecordAudit();
        api.MapGroup("/tenants").RequireOperator().ValidateRequests().MapTenantDirectoryEndpoints();
        api.MapOperatorAuditEndpoints();
        api.MapGroup("/tenants/{tenantId}").RequireTenantAccess()
            .MapTenantEndpoints()
            .MapApiKeyEndpoints()
            .MapMicrotenantEndpoints()
            .MapClientEndpoints()
            .MapSigningKeyEndpoints()
            .MapSessionLifecycleEndpoints()
            .MapOAuthEndpoints()
            .MapForwardAuthEndpoints()
            .MapSessionAdminEndpoints()
            .MapSessionRenewEndpoints()
            .MapUserEndpoints()
            .MapAuditEndpoints();

        // A saved filter is a session-table query, so whoever reads the table may keep some.
        // No key, no per-key limit, nothing audited: outside the group that requires each, and
        // marked anonymous, which is what the authentication middleware and the OpenAPI document read.
        app.MapGroup("/api/v1/tenants/{tenantId}").OpenToAnyone().MapDiscoveryEndpoints();

        api.MapGroup("/me/filters").RequireCallerRole().AllowRoles(TenantRoles.SessionReaders).MapSavedFilterEndpoints();

        // Whoever reads the session table may read it in the console.
        api.MapGroup("/console/session").RequireCallerRole().AllowRoles(TenantRoles.SessionReaders).MapConsoleSessionEndpoints();
        return app;
    }
}
