using Microsoft.AspNetCore.Http.HttpResults;
using SessionGrains.Silo.Api.Auth;
using SessionGrains.Silo.Api.Lists;
using SessionGrains.Silo.Api.OpenApi;
using SessionGrains.Silo.Api.Problems;
using SessionGrains.Silo.Audit;

namespace SessionGrains.Silo.Api.Audit;

/// <summary>
/// Reading the audit log: a tenant's (tenant-admin, auditor; a microtenant-scoped auditor sees the
/// records of its microtenant's keys only), and the operator's across every tenant.
/// </summary>
public static class AuditEndpoints
{
    /// <summary>Maps <c>GET /audit</c> onto the /api/v1/tenants/{tenantId} group.</summary>
    public static RouteGroupBuilder MapAuditEndpoints(this RouteGroupBuilder tenant)
    {
        tenant.MapGet("/audit", ListAsync).AllowRoles(TenantRoles.Readers).WithTags(ApiTags.Audit).WithName("ListAuditLog")
            .WithSummary("List the tenant's audit log")
            .WithDescription("Newest first; filters from, to (inclusive), action, actor (a keyId), outcome; page/pageSize or cursor; the total is exact. "
                + "With format=csv or Accept: text/csv, every matching record as CSV, streamed. A microtenant-scoped key sees its microtenant's records only.");
        return tenant;
    }

    /// <summary>Maps the operator's <c>GET /audit</c> (every tenant's log and its own) onto the /api/v1 group.</summary>
    public static RouteGroupBuilder MapOperatorAuditEndpoints(this RouteGroupBuilder api)
    {
        api.MapGroup("/audit").RequireOperator().ValidateRequests().MapGet("", ListAllAsync).WithTags(ApiTags.Audit).WithName("ListOperatorAuditLog")
            .WithSummary("List the audit log of every tenant")
            .WithDescription("Operator only. The tenant log's query, across every tenant and the operator's own actions outside any (tenantId null).");
        return api;
    }

    private static Task<Results<Ok<CursorPageOf<AuditItemDto>>, AuditCsvResult, ValidationProblem>> ListAsync(
        string tenantId, [AsParameters] AuditLogQuery request, HttpContext http, AuditStore store) =>
        PageAsync(request, tenantId, http.GetCaller().MicrotenantId, $"audit-{tenantId}.csv", store, http.RequestAborted);

    private static Task<Results<Ok<CursorPageOf<AuditItemDto>>, AuditCsvResult, ValidationProblem>> ListAllAsync(
        [AsParameters] AuditLogQuery request, HttpContext http, AuditStore store) =>
        PageAsync(request, null, null, "audit.csv", store, http.RequestAborted);

    private static async Task<Results<Ok<CursorPageOf<AuditItemDto>>, AuditCsvResult, ValidationProblem>> PageAsync(
        AuditLogQuery request, string? tenantId, string? scope, string fileName, AuditStore store, CancellationToken cancellationToken)
    {
        var (query, paging, cursor, csv) = request.Read(tenantId);
        query = query with { ActorMicrotenantId = scope };
        if (csv)
        {
            // Every record, not one page: read in keyset pages of the largest size.
            return new AuditCsvResult(store.ReadAllAsync(query with { Skip = 0, Take = Paging.MaxPageSize }, CancellationToken.None), fileName, tenantId is null);
        }

        var number = paging.Page;
        if (cursor is not null)
        {
            if (!AuditCursor.TryRead(cursor, query, out number, out var after))
            {
                return Validator.Fail("cursor", "is not a cursor of this list for these filters and pageSize.", ApiProblem.InvalidCursor);
            }

            query = query with { Skip = 0, After = after };
        }

        var page = await store.QueryAsync(query, cancellationToken);
        var next = page.Next is { } last && number < int.MaxValue ? AuditCursor.Write(query with { After = null, Skip = 0 }, number + 1, last) : null;
        return TypedResults.Ok(new CursorPageOf<AuditItemDto>(page.Items.Select(AuditItemDto.From).ToList(), page.Total, number, paging.PageSize, next));
    }
}
