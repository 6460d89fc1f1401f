using SessionGrains.Grains;
using SessionGrains.Grains.SessionTable;
using SessionGrains.SessionTable;
using SessionGrains.Sessions;
using SessionGrains.Silo.Api.Auth;
using SessionGrains.Silo.Api.Problems;
using SessionGrains.Silo.Api.Sessions;
using SessionGrains.Users;

namespace SessionGrains.Silo.Api.Users;

/// <summary>A user's sessions, logging a user out everywhere, and the denylist.</summary>
public static class UserEndpoints
{
    /// <summary>Longest denylist reason.</summary>
    public const int MaxReasonLength = 500;

    /// <summary>Maps the user routes onto the /api/v1 group.</summary>
    public static RouteGroupBuilder MapUserEndpoints(this RouteGroupBuilder api)
    {
        api.MapGet("/tenants/{tenantId}/users/{userId}/sessions", UserSessionsAsync).RequireTenantRole(AccessFilters.SessionReaders)
            .Produces<PageOf<SessionItemDto>>();
        api.MapPost("/tenants/{tenantId}/users/{userId}/logout", LogoutAsync).RequireTenantRole(AccessFilters.SessionAdmins)
            .Produces<UserLogoutResponse>();
        api.MapPut("/tenants/{tenantId}/users/{userId}/denylist", DenylistAsync).RequireTenantRole(AccessFilters.Admins)
            .Produces<DenylistResponse>();
        api.MapDelete("/tenants/{tenantId}/users/{userId}/denylist", RemoveAsync).RequireTenantRole(AccessFilters.Admins)
            .Produces(StatusCodes.Status204NoContent).ProducesProblem(StatusCodes.Status404NotFound);
        api.MapGet("/tenants/{tenantId}/denylist", ListAsync).RequireTenantRole(AccessFilters.Readers)
            .Produces<PageOf<DenylistEntryDto>>();
        return api;
    }

    private static Task<IResult> UserSessionsAsync(
        string tenantId, string userId, HttpContext http, SessionTableReader table, [FromKeyedServices(Clock.Key)] TimeProvider time) =>
        Validator.CheckIdentifier("userId", userId) is { } invalid
            ? Task.FromResult(invalid)
            : SessionAdminEndpoints.ListAsync(tenantId, http, table, time, userId);

    private static async Task<IResult> LogoutAsync(string tenantId, string userId, HttpContext http, IGrainFactory grains)
    {
        if (Validator.CheckIdentifier("userId", userId) is { } invalid)
        {
            return invalid;
        }

        // A microtenant admin ends the user's sessions of its own microtenant only.
        var terminated = await grains.GetGrain<IUserGrain>(GrainKeys.User(tenantId, userId))
            .EndAll(EndReason.UserLogoutAll, SessionAdminEndpoints.Scope(http));
        return Results.Ok(new UserLogoutResponse(terminated));
    }

    private static async Task<IResult> DenylistAsync(string tenantId, string userId, DenylistRequest? body, IGrainFactory grains)
    {
        var validator = new Validator();
        validator.Identifier("userId", userId);
        validator.Text("reason", body?.Reason, MaxReasonLength);
        if (!validator.IsValid)
        {
            return validator.Problem();
        }

        var terminated = await grains.GetGrain<IUserGrain>(GrainKeys.User(tenantId, userId)).Denylist(body?.Reason);
        return Results.Ok(new DenylistResponse(userId, true, terminated));
    }

    private static async Task<IResult> RemoveAsync(string tenantId, string userId, IGrainFactory grains)
    {
        if (Validator.CheckIdentifier("userId", userId) is { } invalid)
        {
            return invalid;
        }

        return await grains.GetGrain<IUserGrain>(GrainKeys.User(tenantId, userId)).RemoveFromDenylist()
            ? Results.NoContent()
            : ApiProblem.Of(StatusCodes.Status404NotFound, "user_not_denylisted", "User not denylisted", $"User '{userId}' is not on the denylist.");
    }

    private static async Task<IResult> ListAsync(string tenantId, HttpRequest request, IGrainFactory grains)
    {
        var validator = new Validator();
        var paging = Paging.Read(request, validator);
        if (!validator.IsValid)
        {
            return validator.Problem();
        }

        var entries = await grains.GetGrain<ITenantDenylistGrain>(tenantId).List();
        return Results.Ok(paging.Of(entries.Select(DenylistEntryDto.From).ToList()));
    }
}
