using SessionGrains.Silo.Api.Audit;
using SessionGrains.Silo.Storage;

namespace SessionGrains.Silo.Audit;

/// <summary>The one call SiloApp makes for the audit log.</summary>
public static class AuditHosting
{
    /// <summary>The log in the silo's database, its recorder for the API, its settings and its retention purge.</summary>
    public static IServiceCollection AddSessionGrainsAudit(
        this IServiceCollection services, IConfiguration configuration, StorageProvider storage, string connectionString)
    {
        services.AddOptions<AuditOptions>().Bind(configuration.GetSection(AuditOptions.Section))
            .Validate(o => o.RetentionDays >= 1, $"{AuditOptions.Section}:RetentionDays must be at least 1 (days).")
            .Validate(o => o.PurgeIntervalSeconds >= 1, $"{AuditOptions.Section}:PurgeIntervalSeconds must be at least 1.")
            .ValidateOnStart();
        services.AddSingleton(sp => new AuditStore(storage, connectionString, sp.GetRequiredService<ILogger<AuditStore>>()));
        services.AddSingleton<AuditRecorder>();
        services.AddHostedService<AuditRetention>();
        return services;
    }
}
