using Microsoft.Extensions.Options;
using SessionGrains.Grains.SessionTable;
using SessionGrains.Silo.Api.Auth;
using SessionGrains.Silo.Api.Problems;
using SessionGrains.Tenants;

namespace SessionGrains.Silo.Api.Tenants;

/// <summary>Tenants and their policy.</summary>
public static class TenantEndpoints
{
    /// <summary>Longest tenant display name.</summary>
    public const int MaxNameLength = 200;

    /// <summary>Maps the tenant routes onto the /api/v1 group.</summary>
    public static RouteGroupBuilder MapTenantEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/tenants", CreateAsync).RequireOperator()
            .Produces<TenantDto>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status409Conflict);
        api.MapGet("/tenants", ListAsync).RequireOperator().Produces<PageOf<TenantDto>>();
        api.MapGet("/tenants/{tenantId}", GetAsync).RequireTenantRole(AccessFilters.Readers).Produces<TenantDto>();
        api.MapPut("/tenants/{tenantId}/policy", SetPolicyAsync).RequireTenantRole(AccessFilters.Admins).Produces<PolicyDto>();
        return api;
    }

    private static async Task<IResult> CreateAsync(CreateTenantRequest body, IGrainFactory grains, IOptions<SessionTableOptions> sessionTable)
    {
        var validator = new Validator();
        validator.Identifier("tenantId", body.TenantId);
        validator.Text("name", body.Name, MaxNameLength, required: true);
        if (!validator.IsValid)
        {
            return validator.Problem();
        }

        var created = await grains.GetGrain<ITenantGrain>(body.TenantId!).Create(body.Name!, sessionTable.Value.ShardsPerTenant);
        return created is null
            ? ApiProblem.Of(StatusCodes.Status409Conflict, "tenant_exists", "Tenant exists", $"Tenant '{body.TenantId}' exists already.")
            : Results.Created($"/api/v1/tenants/{created.TenantId}", TenantDto.From(created));
    }

    private static async Task<IResult> ListAsync(HttpRequest request, IGrainFactory grains)
    {
        var validator = new Validator();
        var paging = Paging.Read(request, validator);
        if (!validator.IsValid)
        {
            return validator.Problem();
        }

        var ids = await grains.GetGrain<ITenantDirectoryGrain>(ITenantDirectoryGrain.Key).List();
        var page = paging.Of(ids);
        var tenants = await Task.WhenAll(page.Items.Select(id => grains.GetGrain<ITenantGrain>(id).Get()));
        return Results.Ok(new PageOf<TenantDto>(
            tenants.OfType<TenantInfo>().Select(TenantDto.From).ToList(), page.Total, page.Page, page.PageSize));
    }

    private static async Task<IResult> GetAsync(string tenantId, IGrainFactory grains)
    {
        var tenant = await grains.GetGrain<ITenantGrain>(tenantId).Get();
        return tenant is null ? ApiProblem.TenantNotFound(tenantId) : Results.Ok(TenantDto.From(tenant));
    }

    private static async Task<IResult> SetPolicyAsync(string tenantId, PolicyDto body, IGrainFactory grains)
    {
        const int maxSeconds = 366 * 24 * 3600;
        var validator = new Validator();
        validator.Range("idleTimeoutSeconds", body.IdleTimeoutSeconds, 0, maxSeconds);
        validator.Range("absoluteLifetimeSeconds", body.AbsoluteLifetimeSeconds, 0, maxSeconds);
        validator.Range("maxSessionsPerUser", body.MaxSessionsPerUser, 0, 10_000);
        validator.Range("refreshReuseGraceSeconds", body.RefreshReuseGraceSeconds, 0, 3600);
        if (!WireNames.TryParse(body.OnSessionLimit, out SessionLimitAction onLimit))
        {
            validator.Add("onSessionLimit", "must be 'deny' or 'evict-oldest'.");
        }

        if (!validator.IsValid)
        {
            return validator.Problem();
        }

        var policy = new TenantPolicy(
            body.IdleTimeoutSeconds!.Value, body.AbsoluteLifetimeSeconds!.Value, body.MaxSessionsPerUser!.Value,
            onLimit, body.RefreshReuseGraceSeconds!.Value);
        var stored = await grains.GetGrain<ITenantGrain>(tenantId).SetPolicy(policy);
        return stored is null ? ApiProblem.TenantNotFound(tenantId) : Results.Ok(PolicyDto.From(stored));
    }
}
