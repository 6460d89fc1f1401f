namespace SessionGrains.Grains.SessionTable;

/// <summary>
/// The session table's settings (configuration section "SessionGrains:SessionTable"). The
/// section's earlier name, "SessionGrains:Index", is still read beneath it, so existing
/// configuration keeps working; a key under the new name wins.
/// </summary>
public sealed class SessionTableOptions
{
    /// <summary>The section name.</summary>
    public const string Section = "SessionGrains:SessionTable";

    /// <summary>The section's earlier name, read as an alias.</summary>
    public const string AliasSection = "SessionGrains:Index";

    /// <summary>How many shards a new tenant's table gets; fixed at tenant creation.</summary>
    public int ShardsPerTenant { get; set; } = 8;

    /// <summary>How long ended sessions stay listed before they are purged, in days.</summary>
    public double RetentionDays { get; set; } = 7;

    /// <summary>How often a shard sweeps its entries (expiry, purge), in seconds.</summary>
    public double SweepIntervalSeconds { get; set; } = 60;

    /// <summary>
    /// How often a shard reads the rows of its sessions written since it last looked, in seconds:
    /// the most a shard lags a stored session whose grain could not tell it (its silo died, the
    /// shard's silo failed), so every stored session is listed within about this long.
    /// </summary>
    public double CatchUpIntervalSeconds { get; set; } = 5;

    /// <summary>Load every tenant's shards in the background when a silo starts.</summary>
    public bool WarmUpOnStart { get; set; } = true;

    /// <summary>The retention as a time span.</summary>
    public TimeSpan Retention => TimeSpan.FromDays(RetentionDays);
}
