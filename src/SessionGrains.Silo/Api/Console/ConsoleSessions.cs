using SessionGrains.Tenants;

namespace SessionGrains.Silo.Api.Console;

/// <summary>What makes a session a console session, in one place.</summary>
public static class ConsoleSessions
{
    /// <summary>
    /// The client id of every console session. Reserved: the sign-in route refuses it, so only
    /// the console's own sign-in makes sessions of this client, and a cookie holding the token of
    /// any other session is no console credential.
    /// </summary>
    public const string ClientId = "sessiongrains-console";

    /// <summary>The session name console sessions carry in the session table.</summary>
    public const string SessionName = "Console";

    /// <summary>The client type of console sessions.</summary>
    public const string ClientType = "browser";

    /// <summary>The identity provider of console sessions: the admin proved an API key.</summary>
    public const string IdentityProvider = "api-key";

    /// <summary>The roles that may sign in to the console: whoever reads the session table.</summary>
    public static IReadOnlyCollection<ApiKeyRole> Roles => Auth.TenantRoles.SessionReaders.Roles;
}
