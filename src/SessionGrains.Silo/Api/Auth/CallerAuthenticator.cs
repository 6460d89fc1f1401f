using Microsoft.Net.Http.Headers;
using SessionGrains.Grains.Caching;
using SessionGrains.Grains.Security;

namespace SessionGrains.Silo.Api.Auth;

/// <summary>
/// Reads the bearer key of a request. Tenant keys route to their tenant by their own text and
/// are checked against this silo's tenant cache, so authentication costs no grain call while
/// the cache holds the tenant.
/// </summary>
public sealed class CallerAuthenticator(OperatorKey operatorKey, TenantCache tenants)
{
    /// <summary>The caller, or null when the key is missing, malformed or unknown.</summary>
    public async ValueTask<Caller?> AuthenticateAsync(HttpContext context)
    {
        var header = context.Request.Headers[HeaderNames.Authorization].ToString();
        const string scheme = "Bearer ";
        if (!header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var presented = header[scheme.Length..].Trim();
        if (BearerSecret.TryParse(presented, SecretKind.ApiKey, out var key))
        {
            var tenant = await tenants.GetAsync(key.TenantId);
            return tenant.Keys.TryGetValue(key.Id, out var credential)
                && Secrets.HashesEqual(key.Hash(), credential.SecretHash)
                ? new Caller(false, key.TenantId, credential.Role, credential.MicrotenantId, credential.KeyId)
                : null;
        }

        return presented.Length is > 0 and <= 256 && operatorKey.Matches(presented) ? Caller.Operator : null;
    }
}
