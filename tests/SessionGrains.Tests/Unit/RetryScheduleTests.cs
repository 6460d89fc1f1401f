using SessionGrains.Silo.BackchannelLogout;

namespace SessionGrains.Tests.Unit;

/// <summary>
/// When a failed logout notice is tried again: exponential from the first wait, half of each wait
/// jitter, capped, and never past the retry window.
/// </summary>
[Trait("Category", "Unit")]
public sealed class RetryScheduleTests
{
    private static readonly DateTimeOffset Queued = new(2026, 12, 4, 0, 0, 0, TimeSpan.Zero);

    private static readonly BackchannelLogoutOptions Options = new() { FirstRetrySeconds = 5, MaxRetrySeconds = 3_600, RetryWindowHours = 24 };

    [Theory]
    [InlineData(1, 2.5, 5)]
    [InlineData(2, 5, 10)]
    [InlineData(3, 10, 20)]
    [InlineData(10, 1_280, 2_560)]
    [InlineData(11, 1_800, 3_600)]
    [InlineData(40, 1_800, 3_600)]
    public void Each_failure_doubles_the_wait_between_half_and_all_of_it_up_to_the_cap(int attempts, double shortest, double longest)
    {
        var now = Queued + TimeSpan.FromMinutes(1);
        Assert.Equal(now + TimeSpan.FromSeconds(shortest), RetrySchedule.Next(attempts, now, Queued, Options, random: 0));
        Assert.Equal(now + TimeSpan.FromSeconds(longest), RetrySchedule.Next(attempts, now, Queued, Options, random: 1));
        var middle = RetrySchedule.Next(attempts, now, Queued, Options, random: 0.5)!.Value;
        Assert.InRange(middle, now + TimeSpan.FromSeconds(shortest), now + TimeSpan.FromSeconds(longest));
    }

    [Fact]
    public void A_retry_that_would_fall_past_the_window_is_none()
    {
        var late = Queued + TimeSpan.FromHours(24) - TimeSpan.FromMinutes(10);
        Assert.NotNull(RetrySchedule.Next(3, late, Queued, Options, random: 1));
        Assert.Null(RetrySchedule.Next(20, late, Queued, Options, random: 0));
        Assert.Null(RetrySchedule.Next(1, Queued + TimeSpan.FromHours(24), Queued, Options, random: 0));
    }
}
