namespace SessionGrains.Silo.Api.OpenApi;

/// <summary>The tags that group the operations of the API reference, each with what it covers.</summary>
public static class ApiTags
{
    /// <summary>Tenants and their policy.</summary>
    public const string Tenants = "Tenants";

    /// <summary>A tenant's API keys.</summary>
    public const string ApiKeys = "API keys";

    /// <summary>A tenant's microtenants.</summary>
    public const string Microtenants = "Microtenants";

    /// <summary>Sign-in, validate, refresh, logout, forward auth.</summary>
    public const string Lifecycle = "Session lifecycle";

    /// <summary>OAuth 2.0 token introspection and revocation.</summary>
    public const string OAuth = "OAuth";

    /// <summary>The session table.</summary>
    public const string Sessions = "Sessions";

    /// <summary>Users and the denylist.</summary>
    public const string Users = "Users";

    /// <summary>The audit log.</summary>
    public const string Audit = "Audit log";

    /// <summary>The caller's own saved session-table queries.</summary>
    public const string SavedFilters = "Saved filters";

    /// <summary>A tenant's registered clients (relying parties).</summary>
    public const string Clients = "Clients";

    /// <summary>A tenant's signing keys (rotation).</summary>
    public const string SigningKeys = "Signing keys";

    /// <summary>The tenant's JWKS and OpenID Provider metadata, served without a key.</summary>
    public const string Discovery = "Discovery";

    /// <summary>The web console's own sessions.</summary>
    public const string Console = "Console";

    /// <summary>Every tag, with its description, in the order the reference shows them.</summary>
    public static IReadOnlyList<(string Name, string Description)> All { get; } =
    [
        (Tenants, "Tenants and their session policy. Creating and listing tenants is the operator's; a tenant's own keys read it, and its tenant-admin sets the policy."),
        (ApiKeys, "A tenant's API keys. The secret is shown once, at creation; a deleted key is refused at once on every silo."),
        (Microtenants, "A tenant's microtenants: parts of a tenant that scoped keys act inside."),
        (Lifecycle, "What identity providers and gateways call (role service, or tenant-admin): sign in, validate, refresh, log out; and forward auth for gateways (role service, its key in X-Api-Key)."),
        (OAuth, "OAuth 2.0 token introspection (RFC 7662) and revocation (RFC 7009) for OAuth clients and resource servers: form bodies, and a service key as the client's credentials in HTTP Basic (its keyId as the user name, the key as the password)."),
        (Sessions, "The session table for administrators: list, stats, details, and ending one, many, or all sessions. A microtenant-scoped key sees and ends only its microtenant's sessions."),
        (Users, "One user's sessions, logging a user out everywhere, and the tenant's denylist."),
        (Audit, "Every administrative action and every refused one: who, from where, what, on what, and how it ended. As JSON pages or as CSV."),
        (SavedFilters, "Session-table queries an administrator or auditor key saves for itself: private to the key, validated as the table validates its query string."),
        (Clients, "A tenant's registered clients (relying parties): their names and back-channel logout URIs. The tenant-admin's."),
        (SigningKeys, "The keys that sign a tenant's back-channel logout tokens (ES256): the tenant-admin rotates them; a replaced key stays published for 24 hours."),
        (Discovery, "What relying parties fetch without any key: the tenant's JWK Set (its public signing keys) and its OpenID Provider metadata (issuer, endpoints, back-channel logout support)."),
        (Console, "Signing in to the web console with an API key: a console session of the tenant, held in an HttpOnly cookie that then stands for the key on every /api/v1 route, with a CSRF token on every change."),
    ];
}
