using SessionGrains.Grains;
using SessionGrains.Grains.Security;
using SessionGrains.Grains.Telemetry;
using SessionGrains.Sessions;

namespace SessionGrains.Silo.Api.Sessions;

/// <summary>Checking an access token a client presents to a tenant: the one way validate and forward auth ask.</summary>
public static class AccessTokens
{
    /// <summary>
    /// What the session of <paramref name="presented"/> says of it (as seen by a caller scoped to
    /// <paramref name="microtenantId"/>; a success counts as activity). A token that is malformed
    /// or of another tenant names no session here, so no grain is called, and it is counted as unknown.
    /// </summary>
    public static async Task<ValidationResult> ValidateAsync(
        IGrainFactory grains, SessionGrainsMetrics metrics, string tenantId, string? presented, string? microtenantId)
    {
        if (!BearerSecret.TryParse(presented, SecretKind.AccessToken, out var token) || token.TenantId != tenantId)
        {
            metrics.Validated(InactiveReason.Unknown);
            return ValidationResult.Inactive(InactiveReason.Unknown);
        }

        return await grains.GetGrain<ISessionGrain>(GrainKeys.Session(tenantId, token.Id)).Validate(token.Hash(), microtenantId);
    }
}
