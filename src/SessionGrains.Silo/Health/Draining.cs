namespace SessionGrains.Silo.Health;

/// <summary>
/// Set once the silo has been told to stop: readiness turns off at once, while the silo still
/// serves, so load balancers take it out of rotation before it drains and leaves the cluster.
/// </summary>
public sealed class Draining
{
    private volatile bool _started;

    /// <summary>Whether a stop has begun.</summary>
    public bool Started => _started;

    /// <summary>Marks the stop as begun.</summary>
    public void Begin() => _started = true;
}
