namespace SessionGrains.Silo.Api.RateLimits;

/// <summary>
/// The request limits of one silo (<c>SessionGrains:RateLimits</c>): one fixed window per API key
/// for the administrative routes and one for the session lifecycle routes, and one per client
/// address for requests whose key is refused. Each silo counts its own requests.
/// </summary>
public sealed class RateLimitOptions
{
    /// <summary>The section name.</summary>
    public const string Section = "SessionGrains:RateLimits";

    /// <summary>
    /// Every /api/v1 route but the lifecycle ones, per key (the operator's too). 600 a minute lets
    /// a console or a script page, search and end sessions briskly, while a key stuck in a loop
    /// costs the silo no more than about ten requests a second.
    /// </summary>
    public RateLimitPolicyOptions Admin { get; set; } = new() { PermitLimit = 600, WindowSeconds = 60 };

    /// <summary>
    /// Sign-in, validate, refresh and logout, per key. Far above what one silo serves (tens of
    /// thousands of validations a second on two cores), so it never slows an identity provider
    /// or gateway; it is there to be lowered where one tenant's runaway client must not take a
    /// silo from the others.
    /// </summary>
    public RateLimitPolicyOptions Lifecycle { get; set; } = new() { PermitLimit = 100_000, WindowSeconds = 1 };

    /// <summary>
    /// Requests refused for want of a known key (401), per client address (IPv6: per /64). A
    /// client with a working key never comes near 30 refusals a minute; a guesser or a client
    /// retrying a deleted key is told to back off.
    /// </summary>
    public RateLimitPolicyOptions Unauthenticated { get; set; } = new() { PermitLimit = 30, WindowSeconds = 60 };
}
