using System.Buffers.Text;
using System.Text;
using Microsoft.Net.Http.Headers;
using SessionGrains.Grains.Caching;
using SessionGrains.Grains.Security;

namespace SessionGrains.Silo.Api.Auth;

/// <summary>
/// Reads the key of a request. Tenant keys route to their tenant by their own text and
/// are checked against this silo's tenant cache, so authentication costs no grain call while
/// the cache holds the tenant.
/// </summary>
public sealed class CallerAuthenticator(OperatorKey operatorKey, TenantCache tenants)
{
    /// <summary>Longest Basic credentials read: base64 of a user name, a colon and a key.</summary>
    private const int MaxBasicLength = 1024;

    /// <summary>
    /// The caller, or null when the key is missing, malformed or unknown. The key comes as
    /// <c>Authorization: Bearer &lt;key&gt;</c>, or, with <paramref name="acceptBasic"/> (routes a
    /// browser opens, which cannot send a bearer header), as the password of HTTP Basic, whatever
    /// the user name. With <paramref name="heldTenantsOnly"/> a key is checked only when this silo
    /// holds its tenant (as when the caller's address is over its limit of refusals): a key of a
    /// tenant it holds nothing of is refused without a lookup.
    /// </summary>
    public async ValueTask<Caller?> AuthenticateAsync(HttpContext context, bool acceptBasic = false, bool heldTenantsOnly = false)
    {
        var header = context.Request.Headers[HeaderNames.Authorization].ToString();
        var presented = Credential(header, "Bearer ")?.Trim()
            ?? (acceptBasic && Credential(header, "Basic ") is { } basic ? BasicPassword(basic.Trim()) : null);
        if (presented is null)
        {
            return null;
        }

        if (BearerSecret.TryParse(presented, SecretKind.ApiKey, out var key))
        {
            if (heldTenantsOnly && !tenants.Holds(key.TenantId))
            {
                return null;
            }

            var tenant = await tenants.GetAsync(key.TenantId);
            return tenant.Keys.TryGetValue(key.Id, out var credential)
                && Secrets.HashesEqual(key.Hash(), credential.SecretHash)
                ? new Caller(false, key.TenantId, credential.Role, credential.MicrotenantId, credential.KeyId, credential.Name)
                : null;
        }

        return presented.Length is > 0 and <= OperatorKey.MaximumLength && operatorKey.Matches(presented) ? Caller.Operator : null;
    }

    private static string? Credential(string header, string scheme) =>
        header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? header[scheme.Length..] : null;

    /// <summary>The password of Basic credentials (base64 of <c>user:password</c>); null when they are not that.</summary>
    private static string? BasicPassword(string credentials)
    {
        if (credentials.Length > MaxBasicLength)
        {
            return null;
        }

        var bytes = new byte[Base64.GetMaxDecodedFromUtf8Length(credentials.Length)];
        if (!Convert.TryFromBase64String(credentials, bytes, out var written))
        {
            return null;
        }

        var text = Encoding.UTF8.GetString(bytes, 0, written);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        return colon < 0 ? null : text[(colon + 1)..];
    }
}
