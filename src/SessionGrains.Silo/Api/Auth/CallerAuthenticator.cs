using System.Buffers.Text;
using System.Net;
using System.Text;
using Microsoft.Net.Http.Headers;
using SessionGrains.Grains;
using SessionGrains.Grains.Caching;
using SessionGrains.Grains.Security;
using SessionGrains.Sessions;
using SessionGrains.Silo.Api.Console;

namespace SessionGrains.Silo.Api.Auth;

/// <summary>
/// Reads the key of a request. Tenant keys route to their tenant by their own text and
/// are checked against this silo's tenant cache, so authentication costs no grain call while
/// the cache holds the tenant. A request without <c>Authorization</c> may instead carry the web
/// console's cookie: the token of a console session, which stands for the key that signed in.
/// </summary>
public sealed class CallerAuthenticator(OperatorKey operatorKey, TenantCache tenants, IGrainFactory grains)
{
    /// <summary>Longest Basic credentials read: base64 of a user name, a colon and a key.</summary>
    private const int MaxBasicLength = 1024;

    /// <summary>
    /// The caller, or null when the key is missing, malformed or unknown. The key comes as
    /// <c>Authorization: Bearer &lt;key&gt;</c>, or, with <paramref name="acceptBasic"/> (routes a
    /// browser opens, which cannot send a bearer header), as the password of HTTP Basic, whatever
    /// the user name. Without an <c>Authorization</c> header, the console's cookie (not on
    /// <paramref name="acceptBasic"/> routes) stands for the key of its console session while that
    /// session is live. With <paramref name="heldTenantsOnly"/> a key is checked only when this silo
    /// holds its tenant (as when the caller's address is over its limit of refusals): a key of a
    /// tenant it holds nothing of is refused without a lookup.
    /// </summary>
    public async ValueTask<Caller?> AuthenticateAsync(HttpContext context, bool acceptBasic = false, bool heldTenantsOnly = false)
    {
        var header = context.Request.Headers[HeaderNames.Authorization].ToString();
        if (header.Length == 0 && !acceptBasic && ConsoleCookie.Read(context.Request) is { } console)
        {
            return await ConsoleCallerAsync(console, heldTenantsOnly);
        }

        var presented = Credential(header, "Bearer ")?.Trim()
            ?? (acceptBasic && Credential(header, "Basic ") is { } basic ? BasicPassword(basic.Trim()) : null);
        if (presented is null)
        {
            return null;
        }

        if (BearerSecret.TryParse(presented, SecretKind.ApiKey, out var key))
        {
            return await KeyCallerAsync(key, heldTenantsOnly);
        }

        return IsOperatorKey(presented) ? Caller.Operator : null;
    }

    /// <summary>
    /// The caller of an OAuth route, authenticated as an OAuth client (RFC 6749 §2.3.1): HTTP Basic
    /// with the key's id as the user name and the key as the password, each form-urlencoded as that
    /// section says (the operator: <see cref="Caller.OperatorName"/> and its key). Null for anything
    /// else: no credentials, a bearer header, the console's cookie, malformed Basic, or a password
    /// that is not the key the user name names. <paramref name="heldTenantsOnly"/> as in
    /// <see cref="AuthenticateAsync"/>.
    /// </summary>
    public async ValueTask<Caller?> AuthenticateClientAsync(HttpContext context, bool heldTenantsOnly = false)
    {
        var header = context.Request.Headers[HeaderNames.Authorization].ToString();
        if (Credential(header, "Basic ") is not { } basic || BasicCredentials(basic.Trim()) is not var (encodedUser, encodedPassword))
        {
            return null;
        }

        var user = WebUtility.UrlDecode(encodedUser);
        var password = WebUtility.UrlDecode(encodedPassword);
        if (BearerSecret.TryParse(password, SecretKind.ApiKey, out var key))
        {
            // The key names its own id: a user name of another key is a client id that does not go with this secret.
            return key.Id == user ? await KeyCallerAsync(key, heldTenantsOnly) : null;
        }

        // The operator key comes from configuration and may hold '+' or '%', which a client that
        // does not form-urlencode (curl -u) sends as they are: either spelling is the same key.
        return user == Caller.OperatorName && (IsOperatorKey(password) || IsOperatorKey(encodedPassword)) ? Caller.Operator : null;
    }

    /// <summary>
    /// The caller whose tenant key is the whole of the header <paramref name="header"/> (a gateway's,
    /// on a route where <c>Authorization</c> carries the user's token), or null when it is missing,
    /// malformed, unknown, or not a tenant's key: the operator key is not accepted there.
    /// </summary>
    public async ValueTask<Caller?> AuthenticateHeaderAsync(HttpContext context, string header, bool heldTenantsOnly = false) =>
        context.Request.Headers[header] is { Count: 1 } values
            && BearerSecret.TryParse(values[0]?.Trim(), SecretKind.ApiKey, out var key)
            ? await KeyCallerAsync(key, heldTenantsOnly)
            : null;

    /// <summary>The holder of <paramref name="key"/> when its tenant knows it by that secret; null otherwise.</summary>
    private async ValueTask<Caller?> KeyCallerAsync(BearerSecret key, bool heldTenantsOnly)
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

    private bool IsOperatorKey(string presented) =>
        presented.Length is > 0 and <= OperatorKey.MaximumLength && operatorKey.Matches(presented);

    /// <summary>
    /// The key a console session stands for, when <paramref name="token"/> is the access token of
    /// a live session of the console's client whose user is a key of its tenant that may still use
    /// the console. Validating counts as the session's activity, so the tenant's idle timeout runs
    /// from the console's last request; an ended or expired session, or a deleted key, is null.
    /// </summary>
    private async ValueTask<Caller?> ConsoleCallerAsync(string token, bool heldTenantsOnly)
    {
        if (!BearerSecret.TryParse(token, SecretKind.AccessToken, out var secret) || (heldTenantsOnly && !tenants.Holds(secret.TenantId)))
        {
            return null;
        }

        var session = await grains.GetGrain<ISessionGrain>(GrainKeys.Session(secret.TenantId, secret.Id)).Validate(secret.Hash());
        if (!session.Active || session.ClientId != ConsoleSessions.ClientId || session.UserId is null)
        {
            return null;
        }

        var tenant = await tenants.GetAsync(secret.TenantId);
        return tenant.Keys.TryGetValue(session.UserId, out var key)
            && ConsoleSessions.Roles.Contains(key.Role)
            && key.MicrotenantId == session.MicrotenantId
            ? new Caller(false, secret.TenantId, key.Role, key.MicrotenantId, key.KeyId, key.Name)
            {
                Console = new ConsoleCredential(session.SessionId!, ConsoleCookie.CsrfTokenOf(token), session.ExpiresAt, session.IdleExpiresAt),
            }
            : null;
    }

    private static string? Credential(string header, string scheme) =>
        header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase) ? header[scheme.Length..] : null;

    /// <summary>The password of Basic credentials (base64 of <c>user:password</c>); null when they are not that.</summary>
    private static string? BasicPassword(string credentials) => BasicCredentials(credentials)?.Password;

    /// <summary>The user name and password of Basic credentials (base64 of <c>user:password</c>); null when they are not that.</summary>
    private static (string User, string Password)? BasicCredentials(string credentials)
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
        return colon < 0 ? null : (text[..colon], text[(colon + 1)..]);
    }
}
