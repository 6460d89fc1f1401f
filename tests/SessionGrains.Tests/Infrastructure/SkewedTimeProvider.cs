namespace SessionGrains.Tests.Infrastructure;

/// <summary>
/// A silo's session clock that reads <paramref name="inner"/>'s wall time shifted by
/// <paramref name="skew"/>, as a silo whose clock is ahead or behind would; its monotonic clock
/// (timestamps, timers) is <paramref name="inner"/>'s own, since no silo's skew moves elapsed time.
/// </summary>
public sealed class SkewedTimeProvider(TimeProvider inner, TimeSpan skew) : TimeProvider
{
    /// <summary>How far this clock's wall time is ahead of the shared one (negative: behind).</summary>
    public TimeSpan Skew => skew;

    public override DateTimeOffset GetUtcNow() => inner.GetUtcNow() + skew;

    public override long GetTimestamp() => inner.GetTimestamp();

    public override long TimestampFrequency => inner.TimestampFrequency;

    public override TimeZoneInfo LocalTimeZone => inner.LocalTimeZone;

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
        inner.CreateTimer(callback, state, dueTime, period);
}
