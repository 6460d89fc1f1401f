using SessionGrains.Silo.Audit;
using SessionGrains.Silo.Api.Audit;
using Microsoft.AspNetCore.Http.HttpResults;
using SessionGrains.Grains.Caching;
using SessionGrains.Silo.Api.Auth;
using SessionGrains.Silo.Api.Lists;
using SessionGrains.Silo.Api.OpenApi;
using SessionGrains.Silo.Api.Problems;
using SessionGrains.Tenants;

namespace SessionGrains.Silo.Api.Tenants;

/// <summary>A tenant's API keys. Secrets are shown once, at creation.</summary>
public static class ApiKeyEndpoints
{
    /// <summary>Maps the key routes onto the /api/v1/tenants/{tenantId} group.</summary>
    public static RouteGroupBuilder MapApiKeyEndpoints(this RouteGroupBuilder tenant)
    {
        var keys = tenant.MapGroup("/api-keys").WithTags(ApiTags.ApiKeys);
        keys.MapPost("", CreateAsync).AllowRoles(TenantRoles.Admins).TenantWide().Audited(AuditActions.KeyCreate).WithName("CreateApiKey").WithSummary("Create an API key")
            .WithDescription("The secret key is in this answer only; only its hash is stored. A microtenant-admin key needs a microtenantId, "
                + "a tenant-admin key takes none, and a microtenantId must name a microtenant of the tenant (400 validation_failed).");
        keys.MapGet("", ListAsync).AllowRoles(TenantRoles.Readers).WithName("ListApiKeys").WithSummary("List the tenant's API keys")
            .WithDescription("Without their secrets. A key scoped to a microtenant sees only that microtenant's keys.");
        keys.MapDelete("/{keyId}", DeleteAsync).AllowRoles(TenantRoles.Admins).TenantWide().Audited(AuditActions.KeyDelete, "keyId").WithName("DeleteApiKey").WithSummary("Delete an API key")
            .WithDescription("The key is refused from then on, on every silo. 404 api_key_not_found for an unknown key.");
        return tenant;
    }

    private static async Task<Results<Created<CreatedApiKeyDto>, ValidationProblem, ApiProblem<Status404NotFound>>> CreateAsync(
        string tenantId, CreateApiKeyRequest body, IGrainFactory grains, TenantCache tenants)
    {
        // The one check that needs the tenant, so it runs here rather than in the request's own validation.
        if (body.MicrotenantId is { } microtenantId && !(await tenants.GetAsync(tenantId)).Microtenants.Contains(microtenantId))
        {
            return Validator.Fail("microtenantId", $"names no microtenant of tenant '{tenantId}'.");
        }

        var created = await grains.GetGrain<ITenantGrain>(tenantId).CreateApiKey(body.Name!, body.ParsedRole, body.MicrotenantId);
        if (created is null)
        {
            return ApiProblem.TenantNotFound(tenantId);
        }

        var info = created.Info;
        return TypedResults.Created(
            $"/api/v1/tenants/{tenantId}/api-keys/{info.KeyId}",
            new CreatedApiKeyDto(info.KeyId, created.Key, info.Name, info.Role.Name(), info.MicrotenantId, info.CreatedAt));
    }

    private static async Task<Ok<PageOf<ApiKeyDto>>> ListAsync(string tenantId, [AsParameters] PageQuery query, HttpContext http, IGrainFactory grains)
    {
        var caller = http.GetCaller();
        var keys = await grains.GetGrain<ITenantGrain>(tenantId).ListApiKeys();
        return TypedResults.Ok(query.Paging.Of(keys.Where(k => caller.Sees(k.MicrotenantId)).Select(ApiKeyDto.From).ToList()));
    }

    private static async Task<Results<NoContent, ApiProblem<Status404NotFound>>> DeleteAsync(string tenantId, string keyId, IGrainFactory grains) =>
        await grains.GetGrain<ITenantGrain>(tenantId).DeleteApiKey(keyId)
            ? TypedResults.NoContent()
            : ApiProblem.Of<Status404NotFound>("api_key_not_found", "API key not found", $"There is no key '{keyId}'.");
}
