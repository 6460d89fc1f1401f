using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Configuration.Json;
using Orleans.Storage;
using SessionGrains.Grains;
using SessionGrains.Silo.Api;
using SessionGrains.Silo.Api.Auth;
using SessionGrains.Silo.Api.OpenApi;
using SessionGrains.Silo.Api.Problems;
using SessionGrains.Silo.Api.RateLimits;
using SessionGrains.Silo.Audit;
using SessionGrains.Silo.BackchannelLogout;
using SessionGrains.Silo.Console;
using SessionGrains.Silo.Health;
using SessionGrains.Silo.SessionTable;
using SessionGrains.Silo.Storage;
using SessionGrains.Silo.Telemetry;

namespace SessionGrains.Silo.Hosting;

/// <summary>
/// Builds the one process that is both an Orleans silo and the HTTP API. Program.cs runs it;
/// tests build it the same way, on their own database and ports.
/// </summary>
public static class SiloApp
{
    /// <summary>The listen address when none is configured.</summary>
    public const string DefaultUrl = "http://localhost:5080";

    /// <summary>The configuration key naming the profile, silo-config/{profile}.json (environment: <c>SessionGrains__Profile</c>).</summary>
    public const string ProfileKey = SessionGrainsOptions.Section + ":Profile";

    /// <summary>The environment variable Kubernetes' downward API fills with the pod's address: the default advertised IP.</summary>
    public const string PodIpVariable = "POD_IP";

    /// <summary>The environment variable Kubernetes' downward API fills with the pod's name: the default silo name.</summary>
    public const string PodNameVariable = "POD_NAME";

    /// <summary>Largest request body accepted.</summary>
    public const long MaxRequestBodyBytes = 64 * 1024;

    /// <summary>
    /// Reads configuration (profile from silo-config/, then environment and command line), applies
    /// the storage schema, and builds the app with every route mapped.
    /// </summary>
    public static async Task<WebApplication> CreateAsync(
        string[] args, Action<WebApplicationBuilder>? configure = null, CancellationToken cancellationToken = default)
    {
        var builder = WebApplication.CreateBuilder(args);
        AddProfile(builder.Configuration);

        var options = builder.Configuration.GetSection(SessionGrainsOptions.Section).Get<SessionGrainsOptions>() ?? new();
        builder.Services.Configure<SessionGrainsOptions>(builder.Configuration.GetSection(SessionGrainsOptions.Section));
        // Kubernetes' downward API gives the pod's address and name as these two variables.
        options.Cluster.AdvertisedIP = NonEmpty(options.Cluster.AdvertisedIP) ?? NonEmpty(builder.Configuration[PodIpVariable]);
        options.Cluster.SiloName = NonEmpty(options.Cluster.SiloName) ?? NonEmpty(builder.Configuration[PodNameVariable]);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(
            Math.Max(1, options.Cluster.ShutdownDelaySeconds + options.Cluster.ShutdownTimeoutSeconds)));
        var storage = StorageProvider.For(options.Storage.Provider);
        await storage.ApplySchemaAsync(options.Storage.ConnectionString, cancellationToken);
        builder.Services.AddSingleton(storage);

        if (string.IsNullOrEmpty(builder.Configuration["urls"]) && string.IsNullOrEmpty(builder.Configuration["http_ports"]))
        {
            builder.WebHost.UseUrls(DefaultUrl);
        }

        builder.WebHost.ConfigureKestrel(k => k.Limits.MaxRequestBodySize = MaxRequestBodyBytes);
        builder.Services.ConfigureHttpJsonOptions(o => o.SerializerOptions.Converters.Add(new UtcTimestampConverter()));
        builder.Services.AddApiProblems();
        builder.Services.AddApiDocument();
        builder.Services.AddHealthChecks()
            .AddCheck<ClusterMembershipCheck>("cluster", tags: ["ready"])
            .AddCheck<StorageCheck>("storage", tags: ["ready"]);
        builder.Services.AddSingleton<Draining>();
        builder.Services.AddHostedService<GracefulShutdown>();
        builder.Services.AddSingleton<OperatorKey>();
        builder.Services.AddSingleton<CallerAuthenticator>();
        builder.Services.AddSingleton<PublicUrls>();
        builder.Services.AddSessionGrainsRateLimits();
        builder.Services.AddSessionGrainsAudit(builder.Configuration, storage, options.Storage.ConnectionString);
        builder.Services.AddSessionGrainsBackchannelLogout(builder.Configuration, storage, options.Storage.ConnectionString);

        configure?.Invoke(builder);
        builder.UseOrleans(silo => silo.UseSessionGrainsStorage(options, storage).AddSessionGrains());
        builder.AddSessionGrainsTelemetry();

        // Registered after the silo, so they start once grains can be called.
        builder.Services.AddHostedService<OperatorKeyBootstrap>();
        builder.Services.AddSingleton<SessionTableWarmup>();
        builder.Services.AddHostedService(services => services.GetRequiredService<SessionTableWarmup>());
        builder.Services.AddBackchannelLogoutDelivery();

        var app = builder.Build();
        app.UseApiProblems();
        app.UseCallerAuthentication();
        app.UseSessionGrainsRateLimits();
        app.UseConsole();
        app.MapApiDocument();
        app.MapHealthChecks(HealthRoutes.Live, new HealthCheckOptions { Predicate = _ => false });
        app.MapHealthChecks(HealthRoutes.Ready, new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready") });
        app.MapApiV1();
        app.MapSessionGrainsTelemetry();
        return app;
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    /// <summary>
    /// Loads silo-config/{profile}.json (profile from <c>SessionGrains:Profile</c>, default
    /// <c>local</c>) beneath every other source, so environment and command line still win.
    /// </summary>
    private static void AddProfile(ConfigurationManager configuration)
    {
        var profile = configuration[ProfileKey] ?? "local";
        var directory = Path.Combine(AppContext.BaseDirectory, "silo-config");
        var file = Path.Combine(directory, $"{profile}.json");
        if (!File.Exists(file))
        {
            throw new InvalidOperationException($"SessionGrains:Profile '{profile}' has no file {file}.");
        }

        var source = new JsonConfigurationSource { Path = file, Optional = false, ReloadOnChange = false };
        source.ResolveFileProvider();
        configuration.Sources.Insert(0, source);
    }
}
