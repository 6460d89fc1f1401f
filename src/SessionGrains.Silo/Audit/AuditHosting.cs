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
        services.Configure<AuditOptions>(configuration.GetSection(AuditOptions.Section));
        services.AddSingleton(sp => new AuditStore(storage, connectionString, sp.GetRequiredService<ILogger<AuditStore>>()));
        services.AddSingleton<AuditRecorder>();
        services.AddHostedService<AuditRetention>();
        return services;
    }
}
