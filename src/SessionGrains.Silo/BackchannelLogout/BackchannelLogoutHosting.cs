using Microsoft.Extensions.Options;
using SessionGrains.Grains;
using SessionGrains.Grains.BackchannelLogout;
using SessionGrains.Silo.Storage;

namespace SessionGrains.Silo.BackchannelLogout;

/// <summary>The one call SiloApp makes for back-channel logout.</summary>
public static class BackchannelLogoutHosting
{
    /// <summary>The outbox in the silo's database (also as the grains' <see cref="IBackchannelOutbox"/>), its settings, its delivery worker and its purge.</summary>
    public static IServiceCollection AddSessionGrainsBackchannelLogout(
        this IServiceCollection services, IConfiguration configuration, StorageProvider storage, string connectionString)
    {
        services.AddOptions<BackchannelLogoutOptions>().Bind(configuration.GetSection(BackchannelLogoutOptions.Section))
            .Validate(o => o.PollIntervalMilliseconds >= 10, $"{BackchannelLogoutOptions.Section}:PollIntervalMilliseconds must be at least 10.")
            .Validate(o => o.BatchSize >= 1, $"{BackchannelLogoutOptions.Section}:BatchSize must be at least 1.")
            .Validate(o => o.MaxDeliveriesPerSecond >= 0, $"{BackchannelLogoutOptions.Section}:MaxDeliveriesPerSecond must be 0 (no limit) or more.")
            .Validate(o => o.MaxConcurrencyPerReceiver >= 1, $"{BackchannelLogoutOptions.Section}:MaxConcurrencyPerReceiver must be at least 1.")
            .Validate(o => o.MaxInFlight >= 1, $"{BackchannelLogoutOptions.Section}:MaxInFlight must be at least 1.")
            .Validate(o => o.RequestTimeoutSeconds >= 1, $"{BackchannelLogoutOptions.Section}:RequestTimeoutSeconds must be at least 1.")
            .Validate(o => o.FirstRetrySeconds > 0 && o.MaxRetrySeconds >= o.FirstRetrySeconds,
                $"{BackchannelLogoutOptions.Section}:FirstRetrySeconds must be above 0 and MaxRetrySeconds at least as long.")
            .Validate(o => o.RetryWindowHours > 0, $"{BackchannelLogoutOptions.Section}:RetryWindowHours must be above 0.")
            .Validate(o => o.LeaseSeconds > o.RequestTimeoutSeconds * 4,
                $"{BackchannelLogoutOptions.Section}:LeaseSeconds must exceed four request timeouts (a claimed notice may wait behind others of its receiver).")
            .Validate(o => o.RetentionDays >= 1, $"{BackchannelLogoutOptions.Section}:RetentionDays must be at least 1.")
            .Validate(o => o.PurgeIntervalSeconds >= 1, $"{BackchannelLogoutOptions.Section}:PurgeIntervalSeconds must be at least 1.")
            .ValidateOnStart();
        services.AddSingleton(sp => new BackchannelOutbox(
            storage, connectionString, sp.GetRequiredKeyedService<TimeProvider>(Clock.Key), sp.GetRequiredService<ILogger<BackchannelOutbox>>()));
        services.AddSingleton<IBackchannelOutbox>(sp => sp.GetRequiredService<BackchannelOutbox>());
        services.AddHostedService<OutboxRetention>();
        return services;
    }

    /// <summary>The delivery worker: registered after the silo, so it starts once grains can be called.</summary>
    public static IServiceCollection AddBackchannelLogoutDelivery(this IServiceCollection services) =>
        services.AddHostedService<BackchannelDelivery>();
}
