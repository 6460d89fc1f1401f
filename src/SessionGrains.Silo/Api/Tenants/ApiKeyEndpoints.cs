using SessionGrains.Grains.Caching;
using SessionGrains.Silo.Api.Auth;
using SessionGrains.Silo.Api.Problems;
using SessionGrains.Tenants;

namespace SessionGrains.Silo.Api.Tenants;

/// <summary>A tenant's API keys. Secrets are shown once, at creation.</summary>
public static class ApiKeyEndpoints
{
    /// <summary>Maps the key routes onto the /api/v1 group.</summary>
    public static RouteGroupBuilder MapApiKeyEndpoints(this RouteGroupBuilder api)
    {
        api.MapPost("/tenants/{tenantId}/api-keys", CreateAsync).RequireTenantRole(AccessFilters.Admins)
            .Produces<CreatedApiKeyDto>(StatusCodes.Status201Created);
        api.MapGet("/tenants/{tenantId}/api-keys", ListAsync).RequireTenantRole(AccessFilters.Readers)
            .Produces<PageOf<ApiKeyDto>>();
        api.MapDelete("/tenants/{tenantId}/api-keys/{keyId}", DeleteAsync).RequireTenantRole(AccessFilters.Admins)
            .Produces(StatusCodes.Status204NoContent);
        return api;
    }

    private static async Task<IResult> CreateAsync(string tenantId, CreateApiKeyRequest body, IGrainFactory grains, TenantCache tenants)
    {
        var validator = new Validator();
        validator.Text("name", body.Name, 200, required: true);
        validator.Identifier("microtenantId", body.MicrotenantId, required: false);
        if (!WireNames.TryParse(body.Role, out ApiKeyRole role))
        {
            validator.Add("role", $"must be one of: {string.Join(", ", WireNames.CreatableRoles)}.");
        }
        else if (role == ApiKeyRole.MicrotenantAdmin && body.MicrotenantId is null)
        {
            validator.Add("microtenantId", "is required for a microtenant-admin key.");
        }

        if (validator.IsValid && body.MicrotenantId is { } microtenantId
            && !(await tenants.GetAsync(tenantId)).Microtenants.Contains(microtenantId))
        {
            validator.Add("microtenantId", $"names no microtenant of tenant '{tenantId}'.");
        }

        if (!validator.IsValid)
        {
            return validator.Problem();
        }

        var created = await grains.GetGrain<ITenantGrain>(tenantId).CreateApiKey(body.Name!, role, body.MicrotenantId);
        if (created is null)
        {
            return ApiProblem.TenantNotFound(tenantId);
        }

        var info = created.Info;
        return Results.Created(
            $"/api/v1/tenants/{tenantId}/api-keys/{info.KeyId}",
            new CreatedApiKeyDto(info.KeyId, created.Key, info.Name, info.Role.Name(), info.MicrotenantId, info.CreatedAt));
    }

    private static async Task<IResult> ListAsync(string tenantId, HttpRequest request, IGrainFactory grains)
    {
        var validator = new Validator();
        var paging = Paging.Read(request, validator);
        if (!validator.IsValid)
        {
            return validator.Problem();
        }

        var grain = grains.GetGrain<ITenantGrain>(tenantId);
        if (await grain.Get() is null)
        {
            return ApiProblem.TenantNotFound(tenantId);
        }

        var keys = (await grain.ListApiKeys()).Select(ApiKeyDto.From).ToList();
        return Results.Ok(paging.Of(keys));
    }

    private static async Task<IResult> DeleteAsync(string tenantId, string keyId, IGrainFactory grains)
    {
        if (Validator.CheckIdentifier("keyId", keyId) is { } invalid)
        {
            return invalid;
        }

        return await grains.GetGrain<ITenantGrain>(tenantId).DeleteApiKey(keyId)
            ? Results.NoContent()
            : ApiProblem.Of(StatusCodes.Status404NotFound, "api_key_not_found", "API key not found", $"There is no key '{keyId}'.");
    }
}
