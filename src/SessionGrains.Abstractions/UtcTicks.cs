namespace SessionGrains;

/// <summary>
/// Times as UTC ticks, for code that compares many of them (the session table's scans, the
/// session rules): the one sentinel for "no time" and the conversions to and from
/// <see cref="DateTimeOffset"/>.
/// </summary>
public static class UtcTicks
{
    /// <summary>No time: an absent expiry or end, a session still live, no logout-all that covers it.</summary>
    public const long None = long.MinValue;

    /// <summary>The ticks of a time, or <see cref="None"/>.</summary>
    public static long Of(DateTimeOffset? time) => time?.UtcTicks ?? None;

    /// <summary>The UTC time of some ticks.</summary>
    public static DateTimeOffset ToTime(long ticks) => new(ticks, TimeSpan.Zero);

    /// <summary>The UTC time of some ticks, or null for <see cref="None"/>.</summary>
    public static DateTimeOffset? ToTimeOrNull(long ticks) => ticks == None ? null : new DateTimeOffset(ticks, TimeSpan.Zero);
}
