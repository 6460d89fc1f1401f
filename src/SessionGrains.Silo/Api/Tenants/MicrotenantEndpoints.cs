using SessionGrains.Silo.Audit;
using SessionGrains.Silo.Api.Audit;
using Microsoft.AspNetCore.Http.HttpResults;
using SessionGrains.Silo.Api.Auth;
using SessionGrains.Silo.Api.Lists;
using SessionGrains.Silo.Api.OpenApi;
using SessionGrains.Silo.Api.Problems;
using SessionGrains.Tenants;

namespace SessionGrains.Silo.Api.Tenants;

/// <summary>A tenant's microtenants.</summary>
public static class MicrotenantEndpoints
{
    /// <summary>Maps the microtenant routes onto the /api/v1/tenants/{tenantId} group.</summary>
    public static RouteGroupBuilder MapMicrotenantEndpoints(this RouteGroupBuilder tenant)
    {
        var microtenants = tenant.MapGroup("/microtenants").WithTags(ApiTags.Microtenants);
        microtenants.MapPost("", CreateAsync).AllowRoles(TenantRoles.Admins).TenantWide().Audited(AuditActions.MicrotenantCreate).WithName("CreateMicrotenant").WithSummary("Create a microtenant")
            .WithDescription("409 microtenant_exists when the id is taken.");
        microtenants.MapGet("", ListAsync).AllowRoles(TenantRoles.Readers).WithName("ListMicrotenants").WithSummary("List the tenant's microtenants")
            .WithDescription("A key scoped to a microtenant sees only its own.");
        return tenant;
    }

    private static async Task<Results<Created<MicrotenantDto>, ApiProblem<Status404NotFound>, ApiProblem<Status409Conflict>>> CreateAsync(
        string tenantId, CreateMicrotenantRequest body, IGrainFactory grains)
    {
        var tenant = grains.GetGrain<ITenantGrain>(tenantId);
        return await tenant.CreateMicrotenant(body.MicrotenantId!, body.Name!) switch
        {
            null => ApiProblem.TenantNotFound(tenantId),
            false => ApiProblem.Of<Status409Conflict>("microtenant_exists", "Microtenant exists", $"Microtenant '{body.MicrotenantId}' exists already."),
            true => TypedResults.Created(
                $"/api/v1/tenants/{tenantId}/microtenants/{body.MicrotenantId}",
                MicrotenantDto.From((await tenant.ListMicrotenants()).Single(m => m.MicrotenantId == body.MicrotenantId))),
        };
    }

    private static async Task<Ok<PageOf<MicrotenantDto>>> ListAsync(string tenantId, [AsParameters] PageQuery query, HttpContext http, IGrainFactory grains)
    {
        var caller = http.GetCaller();
        var microtenants = await grains.GetGrain<ITenantGrain>(tenantId).ListMicrotenants();
        return TypedResults.Ok(query.Paging.Of(microtenants.Where(m => caller.Sees(m.MicrotenantId)).Select(MicrotenantDto.From).ToList()));
    }
}
