using SessionGrains.Silo.Audit;
using SessionGrains.Silo.Api.Audit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using SessionGrains.Grains.SessionTable;
using SessionGrains.Silo.Api.Auth;
using SessionGrains.Silo.Api.Lists;
using SessionGrains.Silo.Api.OpenApi;
using SessionGrains.Silo.Api.Problems;
using SessionGrains.Tenants;

namespace SessionGrains.Silo.Api.Tenants;

/// <summary>Tenants and their policy.</summary>
public static class TenantEndpoints
{
    /// <summary>Maps the operator's routes onto the /api/v1/tenants group: create and list tenants.</summary>
    public static RouteGroupBuilder MapTenantDirectoryEndpoints(this RouteGroupBuilder tenants)
    {
        tenants.WithTags(ApiTags.Tenants);
        tenants.MapPost("", CreateAsync).Audited(AuditActions.TenantCreate).WithName("CreateTenant").WithSummary("Create a tenant")
            .WithDescription("Operator only. 409 tenant_exists when the id is taken.");
        tenants.MapGet("", ListAsync).WithName("ListTenants").WithSummary("List tenants")
            .WithDescription("Operator only. Sorted by id, paged.");
        return tenants;
    }

    /// <summary>Maps a tenant's own routes onto the /api/v1/tenants/{tenantId} group.</summary>
    public static RouteGroupBuilder MapTenantEndpoints(this RouteGroupBuilder tenant)
    {
        tenant.MapGet("", GetAsync).AllowRoles(TenantRoles.Readers).TenantWide().WithTags(ApiTags.Tenants)
            .WithName("GetTenant").WithSummary("Get a tenant with its policy");
        tenant.MapPut("/policy", SetPolicyAsync).AllowRoles(TenantRoles.Admins).TenantWide().WithTags(ApiTags.Tenants)
            .Audited(AuditActions.PolicyUpdate, "tenantId").WithName("SetTenantPolicy").WithSummary("Set the tenant's session policy")
            .WithDescription("Every field is required. Applies to sessions signed in from now on.");
        return tenant;
    }

    private static async Task<Results<Created<TenantDto>, ApiProblem<Status409Conflict>>> CreateAsync(
        CreateTenantRequest body, IGrainFactory grains, IOptions<SessionTableOptions> sessionTable)
    {
        var created = await grains.GetGrain<ITenantGrain>(body.TenantId!).Create(body.Name!, sessionTable.Value.ShardsPerTenant);
        return created is null
            ? ApiProblem.Of<Status409Conflict>("tenant_exists", "Tenant exists", $"Tenant '{body.TenantId}' exists already.")
            : TypedResults.Created($"/api/v1/tenants/{created.TenantId}", TenantDto.From(created));
    }

    private static async Task<Ok<PageOf<TenantDto>>> ListAsync([AsParameters] PageQuery query, IGrainFactory grains)
    {
        var ids = await grains.GetGrain<ITenantDirectoryGrain>(ITenantDirectoryGrain.Key).List();
        var page = query.Paging.Of(ids);
        var tenants = await Task.WhenAll(page.Items.Select(id => grains.GetGrain<ITenantGrain>(id).Get()));
        return TypedResults.Ok(new PageOf<TenantDto>(
            tenants.OfType<TenantInfo>().Select(TenantDto.From).ToList(), page.Total, page.Page, page.PageSize));
    }

    // A tenant grain answers null only for a tenant that does not exist, which the group's filter
    // has already ruled out; the 404 keeps that answer honest should it ever happen.
    private static async Task<Results<Ok<TenantDto>, ApiProblem<Status404NotFound>>> GetAsync(string tenantId, IGrainFactory grains) =>
        await grains.GetGrain<ITenantGrain>(tenantId).Get() is { } tenant
            ? TypedResults.Ok(TenantDto.From(tenant))
            : ApiProblem.TenantNotFound(tenantId);

    private static async Task<Results<Ok<PolicyDto>, ApiProblem<Status404NotFound>>> SetPolicyAsync(string tenantId, PolicyDto body, IGrainFactory grains) =>
        await grains.GetGrain<ITenantGrain>(tenantId).SetPolicy(body.ToPolicy()) is { } stored
            ? TypedResults.Ok(PolicyDto.From(stored))
            : ApiProblem.TenantNotFound(tenantId);
}
