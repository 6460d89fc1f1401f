namespace SessionGrains.Silo.Api.RateLimits;

/// <summary>Which per-key limit of <see cref="RateLimitOptions"/> a route counts against.</summary>
public enum RateLimitPolicy
{
    /// <summary><see cref="RateLimitOptions.Admin"/>: every /api/v1 route that is not a lifecycle one.</summary>
    Admin,

    /// <summary><see cref="RateLimitOptions.Lifecycle"/>: sign-in, validate, refresh, logout.</summary>
    Lifecycle,
}

/// <summary>
/// Endpoint metadata: the route counts against <see cref="Policy"/> of its caller's key
/// (<see cref="CallerRateLimiter"/> reads it). A route without it is never limited per key.
/// </summary>
public sealed record RateLimitedAs(RateLimitPolicy Policy);
