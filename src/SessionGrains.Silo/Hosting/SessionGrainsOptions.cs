namespace SessionGrains.Silo.Hosting;

/// <summary>The "SessionGrains" configuration section (environment: <c>SessionGrains__Section__Key</c>).</summary>
public sealed class SessionGrainsOptions
{
    /// <summary>The section name.</summary>
    public const string Section = "SessionGrains";

    /// <summary>Authentication settings.</summary>
    public AuthOptions Auth { get; set; } = new();

    /// <summary>Where grain state lives.</summary>
    public StorageOptions Storage { get; set; } = new();

    /// <summary>Orleans cluster identity and ports.</summary>
    public ClusterOptions Cluster { get; set; } = new();

    /// <summary>
    /// The URL clients reach the cluster at (scheme, host, port), from which each tenant's issuer
    /// is made (<see cref="PublicUrls"/>). Empty: this silo's first listening address.
    /// </summary>
    public string? PublicBaseUrl { get; set; }
}

/// <summary>Authentication settings.</summary>
public sealed class AuthOptions
{
    /// <summary>The operator key; when empty in Development one is generated and printed once.</summary>
    public string? OperatorKey { get; set; }

    /// <summary>Generate a new development operator key at start, replacing the stored one.</summary>
    public bool ResetOperatorKey { get; set; }
}

/// <summary>The storage provider and its ADO.NET connection string.</summary>
public sealed class StorageOptions
{
    /// <summary><c>sqlite</c> (default, single silo) or <c>postgres</c> (clusters).</summary>
    public string Provider { get; set; } = "sqlite";

    /// <summary>The ADO.NET connection string.</summary>
    public string ConnectionString { get; set; } = "Data Source=data/sessiongrains.db";
}

/// <summary>Orleans cluster identity and ports.</summary>
public sealed class ClusterOptions
{
    /// <summary>The silo-to-silo port.</summary>
    public int SiloPort { get; set; } = 11111;

    /// <summary>The client gateway port.</summary>
    public int GatewayPort { get; set; } = 30000;

    /// <summary>The cluster id: silos with the same id form one cluster.</summary>
    public string ClusterId { get; set; } = "dev";

    /// <summary>The service id: the identity under which grain state is stored.</summary>
    public string ServiceId { get; set; } = "sessiongrains";

    /// <summary>
    /// The address other silos reach this one at. Empty: the <c>POD_IP</c> environment variable
    /// (Kubernetes' downward API), else the host's first address.
    /// </summary>
    public string? AdvertisedIP { get; set; }

    /// <summary>This silo's name in the membership table. Empty: <c>POD_NAME</c>, else the machine name.</summary>
    public string? SiloName { get; set; }

    /// <summary>
    /// After a stop signal, how long the silo keeps serving while it reports not ready, so load
    /// balancers stop sending before it drains its requests and leaves the cluster.
    /// </summary>
    public int ShutdownDelaySeconds { get; set; }

    /// <summary>How long a stopping silo waits for in-flight requests and for leaving the cluster.</summary>
    public int ShutdownTimeoutSeconds { get; set; } = 30;
}
