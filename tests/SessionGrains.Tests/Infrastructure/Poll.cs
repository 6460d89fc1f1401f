using System.Diagnostics;

namespace SessionGrains.Tests.Infrastructure;

/// <summary>Waiting for what another thread or process makes true, bounded in time and in attempts.</summary>
public static class Poll
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    /// <summary>Asks <paramref name="done"/> until it answers true; after <paramref name="limit"/>, fails with <paramref name="failure"/>.</summary>
    public static async Task UntilAsync(
        Func<CancellationToken, Task<bool>> done, TimeSpan limit, Func<string> failure, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var attempts = (int)(limit / Interval) + 1;
        for (var attempt = 0; attempt < attempts && clock.Elapsed < limit; attempt++)
        {
            if (await done(cancellationToken))
            {
                return;
            }

            await Task.Delay(Interval, cancellationToken);
        }

        throw new TimeoutException(failure());
    }
}
