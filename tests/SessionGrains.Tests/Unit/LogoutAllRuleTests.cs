using SessionGrains.Grains.Sessions;
using SessionGrains.Sessions;
using SessionGrains.Tenants;

namespace SessionGrains.Tests.Unit;

/// <summary>
/// The logout-all rule on its own: coverage by tenant version whatever the times say, the time
/// rule for markers and sessions stored before they had versions, ends never before creation,
/// and a covered session ended whatever the judging silo's clock says.
/// </summary>
[Trait("Category", "Unit")]
public sealed class LogoutAllRuleTests
{
    private static readonly DateTimeOffset T = new(2026, 11, 25, 12, 0, 0, TimeSpan.Zero);

    private static long Ticks(int seconds) => T.AddSeconds(seconds).UtcTicks;

    [Fact]
    public void A_session_signed_in_under_an_older_version_is_covered_whatever_its_creation_time_says()
    {
        LogoutAllMarker[] markers = [new(null, T, 5)];

        // Created 30 s "after" the marker by a clock that is ahead: still covered, ended at its creation.
        Assert.Equal(Ticks(30), LogoutAllRule.EndOf(markers, "portal", Ticks(30), 4));
        // Created 30 s "before" it by a clock that is behind, but under the marker's version: not covered.
        Assert.Equal(UtcTicks.None, LogoutAllRule.EndOf(markers, "portal", Ticks(-30), 5));
        Assert.Equal(T.UtcTicks, LogoutAllRule.EndOf(markers, "portal", Ticks(-30), 4));
    }

    [Fact]
    public void The_first_covering_marker_decides_and_other_clients_markers_do_not()
    {
        var markers = new List<LogoutAllMarker>();
        LogoutAllRule.Append(markers, "mobile", T, 3);
        LogoutAllRule.Append(markers, null, T.AddSeconds(10), 4);
        for (var i = 0; i < 300; i++)
        {
            LogoutAllRule.Append(markers, i % 2 == 0 ? "mobile" : null, T.AddSeconds(20 + i), 5 + i);
        }

        Assert.Equal(Ticks(10), LogoutAllRule.EndOf(markers, "portal", Ticks(-5), 2));
        Assert.Equal(T.UtcTicks, LogoutAllRule.EndOf(markers, "mobile", Ticks(-5), 2));
        Assert.True(LogoutAllRule.Covers(markers[1], "portal", Ticks(-5), 2));
        Assert.False(LogoutAllRule.Covers(markers[0], "portal", Ticks(-5), 2));
    }

    [Fact]
    public void Markers_and_sessions_without_versions_are_ordered_by_time()
    {
        // Two markers stored before markers had versions, then one with a version.
        LogoutAllMarker[] markers = [new(null, T), new("mobile", T.AddSeconds(10)), new(null, T.AddSeconds(20), 9)];

        // A session without a version: the time rule over every marker.
        Assert.Equal(T.UtcTicks, LogoutAllRule.EndOf(markers, "portal", Ticks(-1), 0));
        Assert.Equal(Ticks(10), LogoutAllRule.EndOf(markers, "mobile", Ticks(5), 0));
        Assert.Equal(Ticks(20), LogoutAllRule.EndOf(markers, "portal", Ticks(5), 0));
        Assert.Equal(UtcTicks.None, LogoutAllRule.EndOf(markers, "portal", Ticks(25), 0));

        // A session with a version: by time against versionless markers, by version against the rest.
        Assert.Equal(Ticks(10), LogoutAllRule.EndOf(markers, "mobile", Ticks(5), 8));
        Assert.Equal(Ticks(25), LogoutAllRule.EndOf(markers, "portal", Ticks(25), 8));
        Assert.Equal(UtcTicks.None, LogoutAllRule.EndOf(markers, "portal", Ticks(5), 9));
    }

    [Fact]
    public void Marker_times_only_move_forward()
    {
        var markers = new List<LogoutAllMarker>();
        LogoutAllRule.Append(markers, null, T, 2);
        var behind = LogoutAllRule.Append(markers, null, T.AddSeconds(-30), 3);

        Assert.Equal(T.AddTicks(1), behind.NotBefore);
        Assert.Equal(3, behind.Version);
    }

    [Fact]
    public void A_covered_session_is_ended_even_by_a_silo_whose_clock_has_not_reached_the_marker()
    {
        var (at, reason) = SessionClock.DueTicks(Ticks(-30), Ticks(-40), 0, UtcTicks.None, T.UtcTicks, 0);
        Assert.Equal((T.UtcTicks, EndReason.TenantLogoutAll), (at, reason));

        // An idle deadline before the marker came first, on every silo's clock.
        var idle = SessionClock.DueTicks(Ticks(-30), Ticks(-100), 60, UtcTicks.None, T.UtcTicks, 0);
        Assert.Equal((Ticks(-40), EndReason.IdleTimeout), idle);
        Assert.Equal(idle, SessionClock.DueTicks(Ticks(100), Ticks(-100), 60, UtcTicks.None, T.UtcTicks, 0));
    }
}
