namespace SessionGrains.Grains;

/// <summary>
/// The service key of the <see cref="TimeProvider"/> that session rules run on. It is kept apart
/// from the one Orleans itself runs on, so tests can move session time (FakeTimeProvider) without
/// stopping the cluster's own clocks.
/// </summary>
public static class Clock
{
    /// <summary>Resolve with <c>[FromKeyedServices(Clock.Key)] TimeProvider</c>.</summary>
    public const string Key = "sessiongrains";
}
