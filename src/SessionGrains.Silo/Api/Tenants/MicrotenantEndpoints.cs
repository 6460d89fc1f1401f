using SessionGrains.Silo.Api.Auth;
using SessionGrains.Silo.Api.Problems;
using SessionGrains.Tenants;

namespace SessionGrains.Silo.Api.Tenants;

/// <summary>Body of <c>POST /api/v1/tenants/{tenantId}/microtenants</c>.</summary>
public sealed record CreateMicrotenantRequest(string? MicrotenantId, string? Name);

/// <summary>A microtenant on the wire.</summary>
public sealed record MicrotenantDto(string MicrotenantId, string Name, DateTimeOffset CreatedAt)
{
    public static MicrotenantDto From(MicrotenantInfo m) => new(m.MicrotenantId, m.Name, m.CreatedAt);
}

/// <summary>A tenant's microtenants.</summary>
public static class MicrotenantEndpoints
{
    /// <summary>Maps the microtenant routes onto the /api/v1 group.</summary>
    public static RouteGroupBuilder MapMicrotenantEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/tenants/{tenantId}/microtenants", CreateAsync).RequireTenantRole(AccessFilters.Admins)
            .Produces<MicrotenantDto>(StatusCodes.Status201Created).ProducesProblem(StatusCodes.Status409Conflict);
        api.MapGet("/tenants/{tenantId}/microtenants", ListAsync).RequireTenantRole(AccessFilters.Readers)
            .Produces<PageOf<MicrotenantDto>>();
        return api;
    }

    private static async Task<IResult> CreateAsync(string tenantId, CreateMicrotenantRequest body, IGrainFactory grains)
    {
        var validator = new Validator();
        validator.Identifier("microtenantId", body.MicrotenantId);
        validator.Text("name", body.Name, TenantEndpoints.MaxNameLength, required: true);
        if (!validator.IsValid)
        {
            return validator.Problem();
        }

        var tenant = grains.GetGrain<ITenantGrain>(tenantId);
        return await tenant.CreateMicrotenant(body.MicrotenantId!, body.Name!) switch
        {
            null => ApiProblem.TenantNotFound(tenantId),
            false => ApiProblem.Of(StatusCodes.Status409Conflict, "microtenant_exists", "Microtenant exists", $"Microtenant '{body.MicrotenantId}' exists already."),
            true => Results.Created(
                $"/api/v1/tenants/{tenantId}/microtenants/{body.MicrotenantId}",
                MicrotenantDto.From((await tenant.ListMicrotenants()).Single(m => m.MicrotenantId == body.MicrotenantId))),
        };
    }

    private static async Task<IResult> ListAsync(string tenantId, HttpRequest request, IGrainFactory grains)
    {
        var validator = new Validator();
        var paging = Paging.Read(request, validator);
        if (!validator.IsValid)
        {
            return validator.Problem();
        }

        var microtenants = await grains.GetGrain<ITenantGrain>(tenantId).ListMicrotenants();
        return Results.Ok(paging.Of(microtenants.Select(MicrotenantDto.From).ToList()));
    }
}
