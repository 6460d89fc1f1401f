using System.Diagnostics.Metrics;
using OpenTelemetry.Metrics;
using SessionGrains.Grains.Telemetry;

namespace SessionGrains.Silo.Telemetry;

/// <summary>
/// OpenTelemetry metrics, served for Prometheus to scrape: ASP.NET Core's server meters, the
/// Orleans runtime's, the .NET runtime's and the product's own (<see cref="SessionGrainsMetrics"/>).
/// </summary>
public static class MetricsExport
{
    /// <summary>Where the Prometheus text exposition is served, without a key.</summary>
    public const string Path = "/metrics";

    /// <summary>The meters exported beside ASP.NET Core's.</summary>
    private static readonly string[] Meters =
    [
        "Microsoft.Orleans",
        "System.Runtime",
        SessionGrainsMetrics.MeterName,
    ];

    /// <summary>Registers the meter provider and its Prometheus exporter.</summary>
    public static IServiceCollection AddMetricsExport(this IServiceCollection services)
    {
        services.AddOpenTelemetry().WithMetrics(metrics => metrics
            .AddAspNetCoreInstrumentation()
            .AddMeter(Meters)
            .AddPrometheusExporter());

        // Meters made by an IMeterFactory (ASP.NET Core's, Orleans', the product's) belong to the
        // host whose container made them, but a listener hears every meter of the name in the
        // process. A process that runs several hosts (the tests do) would add up all of them in
        // each host's /metrics; keep only this host's. A process of one host is unaffected.
        services.ConfigureOpenTelemetryMeterProvider((provider, metrics) =>
        {
            var own = provider.GetRequiredService<IMeterFactory>();
            metrics.AddView(instrument =>
                instrument.Meter.Scope is { } scope && !ReferenceEquals(scope, own) ? MetricStreamConfiguration.Drop : null);

            // Made now rather than by the first grain that records, so its gauges report (zero
            // shards, zero sessions) from the silo's start.
            provider.GetRequiredService<SessionGrainsMetrics>();
        });
        return services;
    }

    /// <summary>Maps <see cref="Path"/>. It carries no tenant data and no secret, so it takes no key.</summary>
    public static WebApplication MapMetricsExport(this WebApplication app)
    {
        app.MapPrometheusScrapingEndpoint(Path);
        return app;
    }
}
