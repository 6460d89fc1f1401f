namespace SessionGrains.Silo.Health;

/// <summary>
/// The health routes the host maps, in one place: the container image's HEALTHCHECK and the
/// Kubernetes probes in k8s/ name them, and a unit test checks that they name these.
/// </summary>
public static class HealthRoutes
{
    /// <summary>200 while the process runs and serves HTTP; checks nothing else.</summary>
    public const string Live = "/health/live";

    /// <summary>200 once the silo is an active cluster member and storage answers; 503 otherwise, and from the start of a stop.</summary>
    public const string Ready = "/health/ready";
}
