namespace SessionGrains.Grains.Caching;

/// <summary>The tenant cache's settings (configuration section "SessionGrains:TenantCache").</summary>
public sealed class TenantCacheOptions
{
    /// <summary>The section name.</summary>
    public const string Section = "SessionGrains:TenantCache";

    /// <summary>
    /// How long a silo trusts a tenant snapshot it fetched, measured on its own monotonic clock from
    /// when it sent the fetch, in seconds. It also bounds how long a change waits for a silo that
    /// does not acknowledge its push; keep it well under the grain call timeout (30 s by default).
    /// </summary>
    public double LeaseSeconds { get; set; } = 10;

    /// <summary>The lease as a time span.</summary>
    public TimeSpan Lease => TimeSpan.FromSeconds(LeaseSeconds);

    /// <summary>
    /// How long a change waits, on the changing silo's monotonic clock, before a silo that did not
    /// acknowledge can no longer serve the old state: the lease, plus a margin for two clocks that
    /// run at slightly different rates (a twentieth, far more than quartz drift) and for the
    /// scheduling between the two silos' timestamps.
    /// </summary>
    public TimeSpan LeaseWithMargin => Lease * 1.05 + TimeSpan.FromMilliseconds(50);
}
