using Microsoft.AspNetCore.Http.HttpResults;
using SessionGrains.SigningKeys;
using SessionGrains.Silo.Api.Audit;
using SessionGrains.Silo.Api.Auth;
using SessionGrains.Silo.Api.OpenApi;
using SessionGrains.Silo.Audit;

namespace SessionGrains.Silo.Api.SigningKeys;

/// <summary>
/// A tenant's signing keys, which sign its back-channel logout tokens: the tenant-admin rotates
/// them (tenant-wide: no microtenant-scoped key). Their public halves are published without a key
/// by the discovery routes (<see cref="Discovery.DiscoveryEndpoints"/>).
/// </summary>
public static class SigningKeyEndpoints
{
    /// <summary>Maps the signing-key routes onto the /api/v1/tenants/{tenantId} group.</summary>
    public static RouteGroupBuilder MapSigningKeyEndpoints(this RouteGroupBuilder tenant)
    {
        var keys = tenant.MapGroup("/signing-keys").WithTags(ApiTags.SigningKeys).AllowRoles(TenantRoles.Admins).TenantWide();
        keys.MapPost("/rotate", RotateAsync).Audited(AuditActions.SigningKeyRotate).WithName("RotateSigningKey")
            .WithSummary("Rotate the tenant's signing key")
            .WithDescription("Makes a new ES256 key; every logout token signed from now on uses it. The key it replaces stays in the JWKS "
                + "for 24 hours, so tokens it signed still verify, then is dropped. 200 { kid }: the new key's id.");
        return tenant;
    }

    private static async Task<Ok<RotatedSigningKeyDto>> RotateAsync(string tenantId, IGrainFactory grains) =>
        TypedResults.Ok(new RotatedSigningKeyDto(await grains.GetGrain<ISigningKeysGrain>(tenantId).Rotate()));
}
