namespace SessionGrains.Silo.Api.Auth;

/// <summary>
/// The live console session a request was authenticated by: its id, the CSRF token its browser
/// must echo on every change, and when it expires (null: the tenant policy sets no limit).
/// </summary>
public sealed record ConsoleCredential(string SessionId, string CsrfToken, DateTimeOffset? ExpiresAt, DateTimeOffset? IdleExpiresAt);
