namespace SessionGrains.Silo.Telemetry;

/// <summary>
/// What the host adds for operators beside the API: metrics for Prometheus at
/// <see cref="MetricsExport.Path"/> and the Orleans dashboard at <see cref="OperatorDashboard.Path"/>.
/// </summary>
public static class TelemetryHosting
{
    /// <summary>Registers the metrics pipeline and the dashboard's silo services.</summary>
    public static WebApplicationBuilder AddSessionGrainsTelemetry(this WebApplicationBuilder builder)
    {
        builder.Services.AddMetricsExport();
        builder.AddOperatorDashboard();
        return builder;
    }

    /// <summary>Maps <c>GET /metrics</c> (no key) and <c>/dashboard</c> (the operator's key only).</summary>
    public static WebApplication MapSessionGrainsTelemetry(this WebApplication app)
    {
        app.MapMetricsExport();
        app.MapOperatorDashboard();
        return app;
    }
}
