using Microsoft.Extensions.Time.Testing;
using SessionGrains.Grains.Caching;

namespace SessionGrains.Tests.Unit;

/// <summary>The negative cache of tenants: bounded in number and age whatever is named.</summary>
[Trait("Category", "Unit")]
public sealed class MissingTenantsTests
{
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(5);

    private readonly FakeTimeProvider _time = new();

    [Fact]
    public void Holds_at_most_its_capacity_and_keeps_the_newest_names()
    {
        var missing = new MissingTenants(_time, 100, Lease);

        for (var n = 0; n < 1_000; n++)
        {
            missing.Add($"t-{n}");
            Assert.InRange(missing.Count, 1, 100);
        }

        Assert.True(missing.Contains("t-999"));
        Assert.True(missing.Contains("t-950"));
        Assert.False(missing.Contains("t-0"));
    }

    [Fact]
    public void Forgets_a_name_once_its_lease_is_over()
    {
        var missing = new MissingTenants(_time, 100, Lease);
        missing.Add("ghost");

        _time.Advance(Lease - TimeSpan.FromMilliseconds(1));
        Assert.True(missing.Contains("ghost"));
        _time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.False(missing.Contains("ghost"));
    }

    [Fact]
    public void Forgets_a_name_that_now_exists()
    {
        var missing = new MissingTenants(_time, 100, Lease);
        missing.Add("soon");

        missing.Remove("soon");

        Assert.False(missing.Contains("soon"));
        Assert.Equal(0, missing.Count);
    }
}
