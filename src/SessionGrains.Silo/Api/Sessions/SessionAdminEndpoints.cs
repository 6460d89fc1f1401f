using SessionGrains.Grains;
using SessionGrains.Grains.SessionTable;
using SessionGrains.SessionTable;
using SessionGrains.Sessions;
using SessionGrains.Silo.Api.Auth;
using SessionGrains.Silo.Api.Problems;
using SessionGrains.Tenants;

namespace SessionGrains.Silo.Api.Sessions;

/// <summary>
/// The session table for administrators: list, stats, details, and ending sessions one, many,
/// or all at once. A microtenant-scoped key sees and ends only its microtenant's sessions.
/// </summary>
public static class SessionAdminEndpoints
{
    /// <summary>The most ids one bulk terminate takes.</summary>
    public const int MaxBulk = 1000;

    /// <summary>Maps the administration routes onto the /api/v1 group.</summary>
    public static RouteGroupBuilder MapSessionAdminEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/tenants/{tenantId}/sessions", ListAsync).RequireTenantRole(AccessFilters.SessionReaders)
            .Produces<PageOf<SessionItemDto>>();
        api.MapGet("/tenants/{tenantId}/sessions/stats", StatsAsync).RequireTenantRole(AccessFilters.SessionReaders)
            .Produces<SessionStatsDto>();
        api.MapGet("/tenants/{tenantId}/sessions/{sessionId}", GetAsync).RequireTenantRole(AccessFilters.SessionReaders)
            .Produces<SessionDetailsDto>().ProducesProblem(StatusCodes.Status404NotFound);
        api.MapDelete("/tenants/{tenantId}/sessions/{sessionId}", TerminateAsync).RequireTenantRole(AccessFilters.SessionAdmins)
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound).ProducesProblem(StatusCodes.Status409Conflict);
        api.MapPost("/tenants/{tenantId}/sessions/terminate", BulkTerminateAsync).RequireTenantRole(AccessFilters.SessionAdmins)
            .Produces<BulkTerminateResponse>();
        api.MapPost("/tenants/{tenantId}/logout-all", LogoutAllAsync).RequireTenantRole(AccessFilters.Admins)
            .Produces<LogoutAllResponse>();
        return api;
    }

    /// <summary>Lists sessions for a query, scoped to the caller's microtenant when it has one.</summary>
    internal static async Task<IResult> ListAsync(string tenantId, HttpContext http, SessionTableReader table, [FromKeyedServices(Clock.Key)] TimeProvider time, string? userId = null)
    {
        var validator = new Validator();
        var (query, paging) = SessionQueryReader.Read(http.Request, validator);
        if (!validator.IsValid)
        {
            return validator.Problem();
        }

        if (Scope(http) is { } scope)
        {
            if (query.MicrotenantId is not null && query.MicrotenantId != scope)
            {
                return ApiProblem.Forbidden();
            }

            query = query with { MicrotenantId = scope };
        }

        if (userId is not null)
        {
            query = query with { UserId = userId };
        }

        var asOf = time.GetUtcNow();
        var (total, items) = await table.QueryAsync(tenantId, query with { AsOf = asOf });
        return Results.Ok(new PageOf<SessionItemDto>(
            items.Select(s => SessionItemDto.From(s, asOf)).ToList(), total, paging.Page, paging.PageSize));
    }

    private static async Task<IResult> StatsAsync(string tenantId, HttpContext http, SessionTableReader table, string? microtenantId = null)
    {
        var validator = new Validator();
        validator.Identifier("microtenantId", microtenantId, required: false);
        if (!validator.IsValid)
        {
            return validator.Problem();
        }

        if (Scope(http) is { } scope)
        {
            if (microtenantId is not null && microtenantId != scope)
            {
                return ApiProblem.Forbidden();
            }

            microtenantId = scope;
        }

        return Results.Ok(SessionStatsDto.From(await table.StatsAsync(tenantId, microtenantId)));
    }

    private static async Task<IResult> GetAsync(string tenantId, string sessionId, HttpContext http, IGrainFactory grains, [FromKeyedServices(Clock.Key)] TimeProvider time)
    {
        if (Validator.CheckIdentifier("sessionId", sessionId) is { } invalid)
        {
            return invalid;
        }

        var details = await grains.GetGrain<ISessionGrain>(GrainKeys.Session(tenantId, sessionId)).GetDetails();
        if (details is null || (Scope(http) is { } scope && details.Row.MicrotenantId != scope))
        {
            return SessionNotFound(sessionId);
        }

        return Results.Ok(SessionDetailsDto.From(details, time.GetUtcNow()));
    }

    private static async Task<IResult> TerminateAsync(string tenantId, string sessionId, HttpContext http, IGrainFactory grains)
    {
        if (Validator.CheckIdentifier("sessionId", sessionId) is { } invalid)
        {
            return invalid;
        }

        var outcome = await grains.GetGrain<ISessionGrain>(GrainKeys.Session(tenantId, sessionId))
            .End(EndReason.AdminTerminated, Scope(http));
        return outcome switch
        {
            EndOutcome.Terminated => Results.NoContent(),
            EndOutcome.NotActive => ApiProblem.Of(
                StatusCodes.Status409Conflict, "session_not_active", "Session not active", $"Session '{sessionId}' has already ended."),
            EndOutcome.Forbidden => ApiProblem.Forbidden(),
            _ => SessionNotFound(sessionId),
        };
    }

    private static async Task<IResult> BulkTerminateAsync(string tenantId, BulkTerminateRequest body, HttpContext http, IGrainFactory grains)
    {
        var validator = new Validator();
        var ids = body.SessionIds;
        if (ids is null)
        {
            validator.Add("sessionIds", "is required.");
        }
        else if (ids.Count is 0 or > MaxBulk)
        {
            validator.Add("sessionIds", $"must hold 1 to {MaxBulk} session ids.");
        }
        else
        {
            for (var i = 0; i < ids.Count; i++)
            {
                validator.Identifier($"sessionIds[{i}]", ids[i]);
            }
        }

        if (!validator.IsValid)
        {
            return validator.Problem();
        }

        var scope = Scope(http);
        var outcomes = await Task.WhenAll(ids!.Distinct(StringComparer.Ordinal).Select(async id =>
            (Id: id!, Outcome: await grains.GetGrain<ISessionGrain>(GrainKeys.Session(tenantId, id!)).End(EndReason.AdminTerminated, scope))));
        var byId = outcomes.ToDictionary(o => o.Id, o => o.Outcome, StringComparer.Ordinal);
        return Results.Ok(new BulkTerminateResponse(ids!.Select(id => new BulkOutcomeDto(id!, byId[id!] switch
        {
            EndOutcome.Terminated => "terminated",
            EndOutcome.NotActive => "not_active",
            EndOutcome.Forbidden => "forbidden",
            _ => "not_found",
        })).ToList()));
    }

    private static async Task<IResult> LogoutAllAsync(string tenantId, LogoutAllRequest? body, IGrainFactory grains)
    {
        var validator = new Validator();
        validator.Identifier("clientId", body?.ClientId, required: false);
        if (!validator.IsValid)
        {
            return validator.Problem();
        }

        var notBefore = await grains.GetGrain<ITenantGrain>(tenantId).LogoutAll(body?.ClientId);
        return notBefore is { } at ? Results.Ok(new LogoutAllResponse(at)) : ApiProblem.TenantNotFound(tenantId);
    }

    /// <summary>The microtenant a scoped key is limited to, or null for tenant-wide keys and the operator.</summary>
    internal static string? Scope(HttpContext http) => http.GetCaller().MicrotenantId;

    private static IResult SessionNotFound(string sessionId) => ApiProblem.Of(
        StatusCodes.Status404NotFound, "session_not_found", "Session not found", $"There is no session '{sessionId}'.");
}
