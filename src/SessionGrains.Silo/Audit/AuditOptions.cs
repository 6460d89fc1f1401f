namespace SessionGrains.Silo.Audit;

/// <summary>The audit log's settings (<c>SessionGrains:Audit</c>).</summary>
public sealed class AuditOptions
{
    /// <summary>The section name, beneath SessionGrains.</summary>
    public const string Section = "SessionGrains:Audit";

    /// <summary>
    /// Whether administrative actions are recorded. On by default; off only to measure what the
    /// log costs (bench/), since a silo without it keeps no trail of who ended what.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>How long records are kept: older ones are purged in the background.</summary>
    public int RetentionDays { get; set; } = 400;

    /// <summary>How often each silo purges records past the retention.</summary>
    public int PurgeIntervalSeconds { get; set; } = 3600;
}
