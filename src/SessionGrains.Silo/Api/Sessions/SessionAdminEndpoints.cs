using SessionGrains.Silo.BackchannelLogout;
using SessionGrains.Silo.Audit;
using SessionGrains.Silo.Api.Audit;
using Microsoft.AspNetCore.Http.HttpResults;
using SessionGrains.Grains;
using SessionGrains.Grains.SessionTable;
using SessionGrains.Sessions;
using SessionGrains.Silo.Api.Auth;
using SessionGrains.Silo.Api.Lists;
using SessionGrains.Silo.Api.OpenApi;
using SessionGrains.Silo.Api.Problems;
using SessionGrains.Tenants;

namespace SessionGrains.Silo.Api.Sessions;

/// <summary>
/// The session table for administrators: list, stats, details, and ending sessions one, many,
/// or all at once. A microtenant-scoped key sees and ends only its microtenant's sessions.
/// </summary>
public static class SessionAdminEndpoints
{
    /// <summary>Maps the administration routes onto the /api/v1/tenants/{tenantId} group.</summary>
    public static RouteGroupBuilder MapSessionAdminEndpoints(this RouteGroupBuilder tenant)
    {
        var sessions = tenant.MapGroup("/sessions").WithTags(ApiTags.Sessions);
        sessions.MapGet("", ListAsync).AllowRoles(TenantRoles.SessionReaders).WithName("ListSessions").WithSummary("List the session table")
            .WithDescription("Search, filters, sort and paging; the total is exact. A microtenant-scoped key sees its microtenant only "
                + "(403 when it asks for another).");
        sessions.MapGet("/stats", StatsAsync).AllowRoles(TenantRoles.SessionReaders).WithName("GetSessionStats").WithSummary("Session statistics")
            .WithDescription("Totals, active sessions, distinct users and sessions by client, tenant-wide or for one microtenant.");
        sessions.MapGet("/{sessionId}", GetAsync).AllowRoles(TenantRoles.SessionReaders).WithName("GetSession").WithSummary("Get one session in full")
            .WithDescription("The table's row plus device, claims and refresh history. 404 session_not_found, also for another microtenant's session.");
        sessions.MapDelete("/{sessionId}", TerminateAsync).AllowRoles(TenantRoles.SessionAdmins).Audited(AuditActions.SessionTerminate, "sessionId", storedWithChange: true).WithName("TerminateSession").WithSummary("Terminate a session")
            .WithDescription("Ends it with reason admin_terminated. 404 session_not_found; 409 session_not_active.");
        sessions.MapPost("/terminate", BulkTerminateAsync).AllowRoles(TenantRoles.SessionAdmins).Audited(AuditActions.SessionBulkTerminate).WithName("TerminateSessions")
            .WithSummary("Terminate many sessions").WithDescription("Up to 1000 ids; one outcome per id, in the order asked.");
        tenant.MapPost("/logout-all", LogoutAllAsync).AllowRoles(TenantRoles.Admins).TenantWide().WithTags(ApiTags.Sessions).Audited(AuditActions.TenantLogoutAll, "tenantId").WithName("LogoutAll")
            .WithSummary("End every session of the tenant, or of one client")
            .WithDescription("Every session created before the answer's notBefore ends with reason tenant_logout_all.");
        return tenant;
    }

    /// <summary>
    /// One page of the session table, scoped to the caller's microtenant when it has one, and to
    /// one user when <paramref name="userId"/> is given: by offset (<c>page</c>) or by a cursor a
    /// previous page gave, which must have been made for this very list (tenant, route, effective
    /// filters, sort, page size).
    /// </summary>
    internal static async Task<Results<Ok<CursorPageOf<SessionItemDto>>, ApiProblem<Status403Forbidden>, ValidationProblem>> PageAsync(
        string tenantId, SessionTableQuery request, Caller caller, SessionTableReader table, TimeProvider time, string? userId = null)
    {
        var (query, paging, cursor) = request.Read();
        if (!caller.TryNarrow(query.MicrotenantId, out var microtenantId))
        {
            return ApiProblem.Forbidden();
        }

        var asOf = time.GetUtcNow();
        query = query with { MicrotenantId = microtenantId, UserId = userId ?? query.UserId, AsOf = asOf };
        var number = paging.Page;
        if (cursor is not null)
        {
            if (!SessionCursor.TryRead(cursor, tenantId, query, out number, out var after))
            {
                return Validator.Fail("cursor", "is not a cursor of this list for these filters, sort and pageSize.", ApiProblem.InvalidCursor);
            }

            query = query with { Skip = 0, After = after };
        }

        var page = await table.QueryAsync(tenantId, query);
        var next = page.Next is { } last && number < int.MaxValue ? SessionCursor.Write(tenantId, query, number + 1, last) : null;
        return TypedResults.Ok(new CursorPageOf<SessionItemDto>(
            page.Items.Select(s => SessionItemDto.From(s, asOf)).ToList(), page.Total, number, paging.PageSize, next));
    }

    private static Task<Results<Ok<CursorPageOf<SessionItemDto>>, ApiProblem<Status403Forbidden>, ValidationProblem>> ListAsync(
        string tenantId, [AsParameters] SessionTableQuery query, HttpContext http, SessionTableReader table, [FromKeyedServices(Clock.Key)] TimeProvider time) =>
        PageAsync(tenantId, query, http.GetCaller(), table, time);

    private static async Task<Results<Ok<SessionStatsDto>, ApiProblem<Status403Forbidden>>> StatsAsync(
        string tenantId, [AsParameters] SessionStatsQuery query, HttpContext http, SessionTableReader table) =>
        http.GetCaller().TryNarrow(query.MicrotenantId, out var microtenantId)
            ? TypedResults.Ok(SessionStatsDto.From(await table.StatsAsync(tenantId, microtenantId)))
            : ApiProblem.Forbidden();

    private static async Task<Results<Ok<SessionDetailsDto>, ApiProblem<Status404NotFound>>> GetAsync(
        string tenantId, string sessionId, HttpContext http, IGrainFactory grains, BackchannelOutbox outbox,
        [FromKeyedServices(Clock.Key)] TimeProvider time, CancellationToken cancellationToken)
    {
        // Another microtenant's session is unknown to a scoped key, not forbidden: it must not learn it exists.
        var details = await grains.GetGrain<ISessionGrain>(GrainKeys.Session(tenantId, sessionId)).GetDetails();
        if (details is null || !http.GetCaller().Sees(details.Row.MicrotenantId))
        {
            return SessionProblems.NotFound(sessionId);
        }

        var logout = details.Row.Status == SessionStatus.Active ? null : await outbox.StateAsync(tenantId, sessionId, cancellationToken);
        return TypedResults.Ok(SessionDetailsDto.From(details, time.GetUtcNow(), logout));
    }

    private static async Task<Results<NoContent, ApiProblem<Status403Forbidden>, ApiProblem<Status404NotFound>, ApiProblem<Status409Conflict>>> TerminateAsync(
        string tenantId, string sessionId, HttpContext http, IGrainFactory grains)
    {
        var outcome = await grains.GetGrain<ISessionGrain>(GrainKeys.Session(tenantId, sessionId))
            .End(EndReason.AdminTerminated, http.GetCaller().MicrotenantId, http.TakeAuditRecord());
        return outcome switch
        {
            EndOutcome.Terminated => TypedResults.NoContent(),
            EndOutcome.NotActive => SessionProblems.NotActive(sessionId),
            EndOutcome.Forbidden => ApiProblem.Forbidden(),
            _ => SessionProblems.NotFound(sessionId),
        };
    }

    private static async Task<Ok<BulkTerminateResponse>> BulkTerminateAsync(
        string tenantId, BulkTerminateRequest body, HttpContext http, IGrainFactory grains)
    {
        var scope = http.GetCaller().MicrotenantId;
        return TypedResults.Ok(new BulkTerminateResponse(await PerSessionOutcomes.OfAsync(
            body.SessionIds!,
            id => grains.GetGrain<ISessionGrain>(GrainKeys.Session(tenantId, id)).End(EndReason.AdminTerminated, scope),
            outcome => outcome switch
            {
                EndOutcome.Terminated => "terminated",
                EndOutcome.NotActive => "not_active",
                EndOutcome.Forbidden => "forbidden",
                _ => "not_found",
            })));
    }

    private static async Task<Results<Ok<LogoutAllResponse>, ApiProblem<Status404NotFound>>> LogoutAllAsync(
        string tenantId, LogoutAllRequest? body, IGrainFactory grains) =>
        await grains.GetGrain<ITenantGrain>(tenantId).LogoutAll(body?.ClientId) is { } notBefore
            ? TypedResults.Ok(new LogoutAllResponse(notBefore))
            : ApiProblem.TenantNotFound(tenantId);
}
