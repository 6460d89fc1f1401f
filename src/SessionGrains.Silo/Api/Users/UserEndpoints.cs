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
using SessionGrains.Silo.Api.Sessions;
using SessionGrains.Users;

namespace SessionGrains.Silo.Api.Users;

/// <summary>A user's sessions, logging a user out everywhere, and the denylist.</summary>
public static class UserEndpoints
{
    /// <summary>Maps the user routes onto the /api/v1/tenants/{tenantId} group.</summary>
    public static RouteGroupBuilder MapUserEndpoints(this RouteGroupBuilder tenant)
    {
        var user = tenant.MapGroup("/users/{userId}").WithTags(ApiTags.Users);
        user.MapGet("/sessions", SessionsAsync).AllowRoles(TenantRoles.SessionReaders).WithName("ListUserSessions")
            .WithSummary("List one user's sessions").WithDescription("The session table's query and list shape, for this user only.");
        user.MapPost("/logout", LogoutAsync).AllowRoles(TenantRoles.SessionAdmins).Audited(AuditActions.UserLogout, "userId").WithName("LogoutUser")
            .WithSummary("End every session of a user").WithDescription("Reason user_logout_all. A microtenant admin ends the user's sessions of its microtenant only.");
        user.MapPut("/denylist", DenylistAsync).AllowRoles(TenantRoles.Admins).TenantWide().Audited(AuditActions.UserDenylist, "userId").WithName("DenylistUser")
            .WithSummary("Denylist a user").WithDescription("Every session of the user ends (reason denylisted) and sign-ins are refused until the entry is removed.");
        user.MapGet("/denylist", FindAsync).AllowRoles(TenantRoles.Readers).TenantWide().WithName("GetDenylistEntry")
            .WithSummary("A user's denylist entry").WithDescription("404 user_not_denylisted when the user is not on the denylist.");
        user.MapDelete("/denylist", RemoveAsync).AllowRoles(TenantRoles.Admins).TenantWide().Audited(AuditActions.UserUndenylist, "userId").WithName("UndenylistUser")
            .WithSummary("Lift a user's denylist entry").WithDescription("404 user_not_denylisted when the user is not on the denylist.");
        tenant.MapGet("/denylist", ListAsync).AllowRoles(TenantRoles.Readers).TenantWide().WithTags(ApiTags.Users).WithName("ListDenylist")
            .WithSummary("List the tenant's denylist");
        return tenant;
    }

    private static Task<Results<Ok<CursorPageOf<SessionItemDto>>, ApiProblem<Status403Forbidden>, ValidationProblem>> SessionsAsync(
        string tenantId, string userId, [AsParameters] SessionTableQuery query, HttpContext http, SessionTableReader table,
        [FromKeyedServices(Clock.Key)] TimeProvider time) =>
        SessionAdminEndpoints.PageAsync(tenantId, query, http.GetCaller(), table, time, userId);

    private static async Task<Ok<UserLogoutResponse>> LogoutAsync(string tenantId, string userId, HttpContext http, IGrainFactory grains)
    {
        // A microtenant admin ends the user's sessions of its own microtenant only.
        var terminated = await grains.GetGrain<IUserGrain>(GrainKeys.User(tenantId, userId))
            .EndAll(EndReason.UserLogoutAll, http.GetCaller().MicrotenantId);
        return TypedResults.Ok(new UserLogoutResponse(terminated));
    }

    private static async Task<Ok<DenylistResponse>> DenylistAsync(string tenantId, string userId, DenylistRequest? body, IGrainFactory grains)
    {
        var terminated = await grains.GetGrain<IUserGrain>(GrainKeys.User(tenantId, userId)).Denylist(body?.Reason);
        return TypedResults.Ok(new DenylistResponse(userId, true, terminated));
    }

    private static async Task<Results<Ok<DenylistEntryDto>, ApiProblem<Status404NotFound>>> FindAsync(string tenantId, string userId, IGrainFactory grains) =>
        await grains.GetGrain<ITenantDenylistGrain>(tenantId).Find(userId) is { } entry ? TypedResults.Ok(DenylistEntryDto.From(entry)) : NotDenylisted(userId);

    private static async Task<Results<NoContent, ApiProblem<Status404NotFound>>> RemoveAsync(string tenantId, string userId, IGrainFactory grains) =>
        await grains.GetGrain<IUserGrain>(GrainKeys.User(tenantId, userId)).RemoveFromDenylist() ? TypedResults.NoContent() : NotDenylisted(userId);

    private static ApiProblem<Status404NotFound> NotDenylisted(string userId) =>
        ApiProblem.Of<Status404NotFound>("user_not_denylisted", "User not denylisted", $"User '{userId}' is not on the denylist.");

    private static async Task<Ok<PageOf<DenylistEntryDto>>> ListAsync(string tenantId, [AsParameters] PageQuery query, IGrainFactory grains)
    {
        var entries = await grains.GetGrain<ITenantDenylistGrain>(tenantId).List();
        return TypedResults.Ok(query.Paging.Of(entries.Select(DenylistEntryDto.From).ToList()));
    }
}
