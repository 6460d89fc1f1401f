using System.Net;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Time.Testing;
using SessionGrains.Silo.Api.RateLimits;

namespace SessionGrains.Tests.Unit;

/// <summary>
/// The fixed-window counts behind every rate limit: a limit per partition per window, Retry-After
/// to the window's end, memory bounded whatever is named (partitions past the capacity share one
/// count, and a window's end forgets them all), and the partition of a client address.
/// </summary>
[Trait("Category", "Unit")]
public sealed class FixedWindowLimiterTests
{
    private static readonly RateLimitPolicyOptions ThreeAMinute = new() { PermitLimit = 3, WindowSeconds = 60 };

    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));

    [Fact]
    public void Grants_the_limit_per_partition_then_refuses_until_the_window_ends()
    {
        using var limiter = new FixedWindowLimiter<string>(ThreeAMinute, _time, capacity: 100);
        for (var i = 0; i < 3; i++)
        {
            Assert.True(Acquire(limiter, "a").IsAcquired);
        }

        using var refused = Acquire(limiter, "a");
        Assert.False(refused.IsAcquired);
        Assert.True(refused.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter));
        Assert.InRange(retryAfter, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60));
        Assert.True(Acquire(limiter, "b").IsAcquired);

        _time.Advance(retryAfter - TimeSpan.FromSeconds(1));
        Assert.False(Acquire(limiter, "a").IsAcquired);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.True(Acquire(limiter, "a").IsAcquired);
    }

    [Fact]
    public void Asking_with_a_count_of_0_neither_counts_nor_adds_a_partition()
    {
        using var limiter = new FixedWindowLimiter<string>(ThreeAMinute, _time, capacity: 100);
        for (var i = 0; i < 10; i++)
        {
            Assert.True(limiter.AttemptAcquire($"p-{i}", 0).IsAcquired);
        }

        Assert.Equal(0, limiter.Partitions);
        for (var i = 0; i < 3; i++)
        {
            Assert.True(Acquire(limiter, "p-0").IsAcquired);
        }

        Assert.False(limiter.AttemptAcquire("p-0", 0).IsAcquired);
    }

    [Fact]
    public void Partitions_past_the_capacity_share_one_count_and_a_new_window_forgets_them_all()
    {
        using var limiter = new FixedWindowLimiter<int>(ThreeAMinute, _time, capacity: 1_000);
        for (var key = 0; key < 50_000; key++)
        {
            using var _ = limiter.AttemptAcquire(key, 1);
            Assert.InRange(limiter.Partitions, 1, 1_000);
        }

        // The 49,000 beyond the capacity had one count between them, long used up; the first keys kept theirs.
        Assert.False(Acquire(limiter, 60_000).IsAcquired);
        Assert.True(Acquire(limiter, 0).IsAcquired);

        _time.Advance(TimeSpan.FromSeconds(60));
        Assert.True(Acquire(limiter, 60_000).IsAcquired);
        Assert.Equal(1, limiter.Partitions);
    }

    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7", true)]
    [InlineData("203.0.113.7", "203.0.113.8", false)]
    [InlineData("203.0.113.7", "::ffff:203.0.113.7", true)]
    [InlineData("2001:db8:1:2:aaaa::1", "2001:db8:1:2:ffff:ffff:ffff:ffff", true)]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:3::1", false)]
    public void An_address_counts_as_itself_and_an_IPv6_address_by_its_64_prefix(string first, string second, bool same)
    {
        Assert.Equal(same, ClientAddress.KeyOf(IPAddress.Parse(first)) == ClientAddress.KeyOf(IPAddress.Parse(second)));
    }

    private static RateLimitLease Acquire<TKey>(FixedWindowLimiter<TKey> limiter, TKey key) where TKey : notnull =>
        limiter.AttemptAcquire(key, 1);
}
