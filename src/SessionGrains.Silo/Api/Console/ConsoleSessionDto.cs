using SessionGrains.Silo.Api.Audit;
using SessionGrains.Silo.Api.Auth;

namespace SessionGrains.Silo.Api.Console;

/// <summary>
/// A console session as its browser sees it: who signed in (the key, its role and scope), the
/// CSRF token to send with every change, and when the session expires. Never the access token,
/// which only the HttpOnly cookie holds.
/// </summary>
public sealed record ConsoleSessionDto(
    string SessionId,
    string TenantId,
    string KeyId,
    string KeyName,
    string Role,
    string? MicrotenantId,
    string CsrfToken,
    DateTimeOffset? ExpiresAt,
    DateTimeOffset? IdleExpiresAt) : IAuditable
{
    /// <summary>The console session of a caller the console's cookie authenticated.</summary>
    public static ConsoleSessionDto From(Caller caller, ConsoleCredential console) => new(
        console.SessionId, caller.TenantId!, caller.KeyId!, caller.KeyName!, caller.Role!.Value.Name(), caller.MicrotenantId,
        console.CsrfToken, console.ExpiresAt, console.IdleExpiresAt);

    /// <inheritdoc/>
    public void Describe(AuditDescription audit) => audit.Target = SessionId;
}
