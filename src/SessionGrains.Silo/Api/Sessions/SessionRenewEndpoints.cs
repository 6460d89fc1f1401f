using Microsoft.AspNetCore.Http.HttpResults;
using SessionGrains.Grains;
using SessionGrains.Sessions;
using SessionGrains.Silo.Api.Audit;
using SessionGrains.Silo.Api.Auth;
using SessionGrains.Silo.Api.OpenApi;
using SessionGrains.Silo.Api.Problems;
using SessionGrains.Silo.Audit;
using SessionGrains.Users;

namespace SessionGrains.Silo.Api.Sessions;

/// <summary>
/// Renewing tokens, to push an entitlement change: one session, many, or a user's. A renewed
/// session's current access token validates as <c>renewal_required</c> until its client refreshes,
/// and the refreshed token carries the claims the renew gave (or the session's own).
/// </summary>
public static class SessionRenewEndpoints
{
    private const string Description = "From then on the session's current access token validates as { active: false, reason: renewal_required } "
        + "until the client refreshes; the refresh succeeds and its token carries the new claims. The optional claims (a JSON object, at most 16 KB) "
        + "replace the session's. A microtenant admin renews its microtenant's sessions only.";

    /// <summary>Maps the renew routes onto the /api/v1/tenants/{tenantId} group.</summary>
    public static RouteGroupBuilder MapSessionRenewEndpoints(this RouteGroupBuilder tenant)
    {
        var renew = tenant.MapGroup("").WithTags(ApiTags.Sessions).AllowRoles(TenantRoles.SessionAdmins);
        renew.MapPost("/sessions/{sessionId}/renew", RenewAsync).Audited(AuditActions.SessionRenew, "sessionId").WithName("RenewSession")
            .WithSummary("Renew a session's tokens").WithDescription(Description + " 404 session_not_found; 409 session_not_active.");
        renew.MapPost("/sessions/renew", BulkRenewAsync).Audited(AuditActions.SessionRenew).WithName("RenewSessions")
            .WithSummary("Renew many sessions' tokens").WithDescription(Description + " Up to 1000 ids; one outcome per id, in the order asked.");
        renew.MapPost("/users/{userId}/renew", RenewUserAsync).Audited(AuditActions.SessionRenew, "userId").WithName("RenewUserSessions")
            .WithSummary("Renew every session of a user").WithDescription(Description);
        return tenant;
    }

    private static async Task<Results<NoContent, ApiProblem<Status404NotFound>, ApiProblem<Status409Conflict>, ApiProblem<Status403Forbidden>>> RenewAsync(
        string tenantId, string sessionId, RenewRequest? body, HttpContext http, IGrainFactory grains) =>
        await grains.GetGrain<ISessionGrain>(GrainKeys.Session(tenantId, sessionId)).Renew(body?.Claims?.Json, http.GetCaller().MicrotenantId) switch
        {
            RenewOutcome.Renewed => TypedResults.NoContent(),
            RenewOutcome.NotActive => SessionProblems.NotActive(sessionId),
            RenewOutcome.Forbidden => ApiProblem.Forbidden(),
            _ => SessionProblems.NotFound(sessionId),
        };

    private static async Task<Ok<BulkRenewResponse>> BulkRenewAsync(string tenantId, BulkRenewRequest body, HttpContext http, IGrainFactory grains)
    {
        var scope = http.GetCaller().MicrotenantId;
        var claims = body.Claims?.Json;
        return TypedResults.Ok(new BulkRenewResponse(await PerSessionOutcomes.OfAsync(
            body.SessionIds!,
            id => grains.GetGrain<ISessionGrain>(GrainKeys.Session(tenantId, id)).Renew(claims, scope),
            outcome => outcome switch
            {
                RenewOutcome.Renewed => "renewed",
                RenewOutcome.NotActive => "not_active",
                RenewOutcome.Forbidden => "forbidden",
                _ => "not_found",
            })));
    }

    private static async Task<Ok<UserRenewResponse>> RenewUserAsync(string tenantId, string userId, RenewRequest? body, HttpContext http, IGrainFactory grains) =>
        TypedResults.Ok(new UserRenewResponse(
            await grains.GetGrain<IUserGrain>(GrainKeys.User(tenantId, userId)).RenewAll(body?.Claims?.Json, http.GetCaller().MicrotenantId)));
}
