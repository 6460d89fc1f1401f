namespace SessionGrains.Silo.Telemetry;

/// <summary>
/// What the host adds for operators beside the API: metrics for Prometheus at
/// <see cref="MetricsExport.Path"/>.
/// </summary>
public static class TelemetryHosting
{
    /// <summary>Registers the metrics pipeline.</summary>
    public static WebApplicationBuilder AddSessionGrainsTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddMetricsExport();
        return builder;
    }

    /// <summary>Maps <c>GET /metrics</c> (no key).</summary>
    public static WebApplication MapSessionGrainsTelemetry(this WebApplication app)
    {
        app.MapMetricsExport();
        return app;
    }
}
