namespace SessionGrains.Silo.Api.RateLimits;

/// <summary>Marks route groups with the per-key limit their routes count against.</summary>
public static class RateLimitConventions
{
    private static readonly RateLimitedAs Admin = new(RateLimitPolicy.Admin);
    private static readonly RateLimitedAs Lifecycle = new(RateLimitPolicy.Lifecycle);

    /// <summary>
    /// The group's routes count against <paramref name="policy"/> of the caller's key, and may
    /// answer 429. An inner group's mark wins over an outer one (the last metadata of a type is the one read).
    /// </summary>
    public static RouteGroupBuilder RateLimited(this RouteGroupBuilder group, RateLimitPolicy policy)
    {
        group.WithMetadata(policy == RateLimitPolicy.Lifecycle ? Lifecycle : Admin).ProducesProblem(StatusCodes.Status429TooManyRequests);
        return group;
    }
}
