namespace SessionGrains.Silo.BackchannelLogout;

/// <summary>
/// When a failed notice is tried again: exponential backoff with jitter, so receivers that fail
/// together are not retried together, until the retry window closes.
/// </summary>
internal static class RetrySchedule
{
    /// <summary>
    /// When to try again after <paramref name="attempts"/> failed attempts, or null when that would
    /// fall past the window opened when the notice was queued.
    /// </summary>
    public static DateTimeOffset? Next(int attempts, DateTimeOffset now, DateTimeOffset queuedAt, BackchannelLogoutOptions options, double random)
    {
        var exponent = Math.Min(attempts - 1, 30);
        var full = Math.Min(options.FirstRetrySeconds * Math.Pow(2, exponent), options.MaxRetrySeconds);
        // Half the delay is fixed and half random: never sooner than half, spread over the rest.
        var delay = TimeSpan.FromSeconds(full / 2 + (full / 2 * random));
        var next = now + delay;
        return next <= queuedAt + TimeSpan.FromHours(options.RetryWindowHours) ? next : null;
    }
}
