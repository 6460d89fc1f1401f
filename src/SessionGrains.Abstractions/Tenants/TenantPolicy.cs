namespace SessionGrains.Tenants;

/// <summary>What happens when a user signs in with <see cref="TenantPolicy.MaxSessionsPerUser"/> live sessions.</summary>
public enum SessionLimitAction
{
    /// <summary>The new sign-in is refused.</summary>
    Deny,

    /// <summary>The user's oldest active session ends with reason <c>evicted</c>.</summary>
    EvictOldest,
}

/// <summary>
/// A tenant's session rules. Zero means "no limit" or "no grace". <see cref="SessionCookieName"/>
/// is the cookie forward auth reads the user's token from; null (a policy stored before there was
/// one, or set without one) means <see cref="DefaultSessionCookieName"/>.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record TenantPolicy(
    [property: Id(0)] int IdleTimeoutSeconds,
    [property: Id(1)] int AbsoluteLifetimeSeconds,
    [property: Id(2)] int MaxSessionsPerUser,
    [property: Id(3)] SessionLimitAction OnSessionLimit,
    [property: Id(4)] int RefreshReuseGraceSeconds,
    [property: Id(5)] string? SessionCookieName = null)
{
    /// <summary>The cookie forward auth reads when the tenant names none.</summary>
    public const string DefaultSessionCookieName = "sg_session";

    /// <summary>The cookie forward auth reads the user's access token from.</summary>
    public string CookieName => SessionCookieName ?? DefaultSessionCookieName;

    /// <summary>
    /// The policy of a new tenant: a new instance each time, so no serializer that fills the
    /// objects a fresh state holds can change what every later tenant starts with.
    /// </summary>
    public static TenantPolicy Default => new(1800, 36000, 0, SessionLimitAction.Deny, 0);
}
