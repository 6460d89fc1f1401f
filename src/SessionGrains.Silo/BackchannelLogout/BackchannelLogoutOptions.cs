namespace SessionGrains.Silo.BackchannelLogout;

/// <summary>How logout notices are delivered (section <c>SessionGrains:BackchannelLogout</c>); every figure is per silo.</summary>
public sealed class BackchannelLogoutOptions
{
    /// <summary>The section name.</summary>
    public const string Section = "SessionGrains:BackchannelLogout";

    /// <summary>How often an idle worker looks for due notices.</summary>
    public int PollIntervalMilliseconds { get; set; } = 250;

    /// <summary>The most notices one claim takes.</summary>
    public int BatchSize { get; set; } = 256;

    /// <summary>The most delivery attempts a second (the rate a logout-all drains at); 0: no limit.</summary>
    public int MaxDeliveriesPerSecond { get; set; } = 5_000;

    /// <summary>The most requests in flight to one receiver (scheme, host and port).</summary>
    public int MaxConcurrencyPerReceiver { get; set; } = 32;

    /// <summary>The most notices claimed and not yet answered, over all receivers.</summary>
    public int MaxInFlight { get; set; } = 1_024;

    /// <summary>How long one POST may take before it counts as failed.</summary>
    public int RequestTimeoutSeconds { get; set; } = 10;

    /// <summary>The wait before the first retry; each further one doubles it, with jitter.</summary>
    public double FirstRetrySeconds { get; set; } = 5;

    /// <summary>The longest wait between two attempts.</summary>
    public double MaxRetrySeconds { get; set; } = 3_600;

    /// <summary>How long after its end a notice is retried before it is given up (failed).</summary>
    public double RetryWindowHours { get; set; } = 24;

    /// <summary>How long a claimed notice is this silo's: if it dies meanwhile, another takes the notice after this.</summary>
    public int LeaseSeconds { get; set; } = 120;

    /// <summary>How long delivered and failed notices are kept (for session details and progress).</summary>
    public int RetentionDays { get; set; } = 7;

    /// <summary>How often old notices are purged.</summary>
    public int PurgeIntervalSeconds { get; set; } = 3_600;

    /// <summary>The most requests to one receiver claimed ahead: beyond it, that receiver's notices wait in the outbox.</summary>
    internal int MaxQueuedPerReceiver => MaxConcurrencyPerReceiver * 4;
}
