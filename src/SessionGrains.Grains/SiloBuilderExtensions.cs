using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Runtime.Placement;
using Orleans.Runtime.Hosting;
using SessionGrains.Grains.Caching;
using SessionGrains.Grains.Resilience;
using SessionGrains.Grains.SessionTable;
using SessionGrains.Grains.Sessions;
using SessionGrains.Grains.SigningKeys;
using SessionGrains.Grains.Telemetry;

namespace SessionGrains.Grains;

/// <summary>Registers what the grains need on every silo.</summary>
public static class SiloBuilderExtensions
{
    /// <summary>
    /// Adds the tenant cache, its broadcast, the session table (its grain storage over
    /// <see cref="ISessionRowStore"/>, which the host registers for its database), the silo-pinned
    /// placement, the seal of the tenants' signing keys (<see cref="SigningKeySeal"/>, its key
    /// checked at start), the resending of calls a leaving silo lost, the session clock (the system
    /// clock unless a test registered another under <see cref="Clock.Key"/> first) and the product's
    /// meter (<see cref="SessionGrainsMetrics"/>).
    /// </summary>
    public static ISiloBuilder AddSessionGrains(this ISiloBuilder silo)
    {
        silo.Services.AddOptions<SessionTableOptions>()
            .BindConfiguration(SessionTableOptions.AliasSection)
            .BindConfiguration(SessionTableOptions.Section);
        silo.Services.AddOptions<TenantCacheOptions>()
            .BindConfiguration(TenantCacheOptions.Section)
            .Validate(o => o.LeaseSeconds > 0, $"{TenantCacheOptions.Section}:LeaseSeconds must be more than 0.")
            .ValidateOnStart();
        silo.Services.AddOptions<SigningKeysOptions>()
            .BindConfiguration(SigningKeysOptions.Section)
            .Validate(o => o.HasValidEncryptionKey(), $"{SigningKeysOptions.Section}:EncryptionKey must be base64 of {SigningKeysOptions.EncryptionKeyLength} bytes (e.g. the output of `openssl rand -base64 32`).")
            .ValidateOnStart();
        silo.Services.AddSingleton<SigningKeySeal>();
        silo.Services.AddSingleton<SessionTableReader>();
        silo.Services.AddSingleton<ShardLoadGate>();
        silo.Services.AddGrainStorage(StorageNames.SessionTable, (services, _) => ActivatorUtilities.CreateInstance<SessionGrainStorage>(services));
        silo.Services.TryAddKeyedSingleton(Clock.Key, TimeProvider.System);
        silo.Services.AddSingleton<TenantCache>();
        silo.Services.AddSingleton<TenantBroadcast>();
        silo.Services.AddSingleton<ActiveShards>();
        silo.Services.AddSingleton<SessionGrainsMetrics>();
        silo.Services.AddPlacementDirector<SiloPinnedPlacement, SiloPinnedPlacementDirector>();
        silo.AddOutgoingGrainCallFilter<RetryLostCalls>();
        return silo;
    }
}
