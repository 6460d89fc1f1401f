namespace SessionGrains.Grains.Sessions;

/// <summary>
/// How a session's last activity reaches storage: a validation updates memory, and one write
/// follows after <see cref="Delay"/> plus up to <see cref="Jitter"/>, so sessions validated in the
/// same second do not all write in the same second. The stored last activity therefore lags the
/// real one by at most <see cref="MaxLag"/>; a crash can only make a session look idle a little
/// early, never keep a dead one alive. Whoever judges idleness from the stored value (the session
/// table's shards) allows <see cref="MaxLag"/> of grace.
/// </summary>
public static class ActivityWriteBehind
{
    /// <summary>The least time a new last activity waits in memory.</summary>
    public static readonly TimeSpan Delay = TimeSpan.FromSeconds(30);

    /// <summary>The most that is added to <see cref="Delay"/>, at random.</summary>
    public static readonly TimeSpan Jitter = TimeSpan.FromSeconds(15);

    /// <summary>The most a stored last activity can lag behind the real one.</summary>
    public static readonly TimeSpan MaxLag = Delay + Jitter;

    /// <summary>The wait before the next write of one session's activity.</summary>
    public static TimeSpan NextDelay() => Delay + TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * Jitter.TotalMilliseconds);
}
