using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using SessionGrains.Grains;
using SessionGrains.Grains.Caching;

namespace SessionGrains.Tests.Infrastructure.Faults;

/// <summary>Wires <see cref="SiloFaults"/> into a test silo.</summary>
public static class FaultsSiloBuilderExtensions
{
    /// <inheritdoc cref="AddFaults(IServiceCollection)"/>
    public static ISiloBuilder AddFaults(this ISiloBuilder silo)
    {
        silo.Services.AddFaults();
        return silo;
    }

    /// <summary>
    /// Registers the silo's <see cref="SiloFaults"/>, the call filter, the tenant broadcasts' lagging
    /// membership view (<see cref="LaggingMembership"/>) and, around the grain storage
    /// registered so far under <see cref="StorageNames.Default"/> and
    /// <see cref="StorageNames.SessionTable"/> (sessions), the failing-writes wrapper.
    /// Call after the storage is added.
    /// </summary>
    public static IServiceCollection AddFaults(this IServiceCollection services)
    {
        services.AddSingleton<SiloFaults>();
        services.AddSingleton<FaultFilter>();
        services.AddSingleton<IIncomingGrainCallFilter>(sp => sp.GetRequiredService<FaultFilter>());
        services.AddSingleton<IOutgoingGrainCallFilter>(sp => sp.GetRequiredService<FaultFilter>());

        // Only the tenant broadcasts see the lagging view; the runtime keeps its own.
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<TenantBroadcast>(
            sp, new LaggingMembership(sp.GetRequiredService<IClusterMembershipService>(), sp.GetRequiredService<SiloFaults>())));

        foreach (var name in new[] { StorageNames.Default, StorageNames.SessionTable })
        {
            var storage = services.Last(d => d.ServiceType == typeof(IGrainStorage) && Equals(d.ServiceKey, name));
            var create = storage.KeyedImplementationFactory
                ?? throw new InvalidOperationException($"The grain storage {name} is expected to be registered by a factory.");
            services.AddKeyedSingleton<IGrainStorage>(name, (sp, key) =>
                new FaultyGrainStorage((IGrainStorage)create(sp, key), sp.GetRequiredService<SiloFaults>()));
        }

        return services;
    }
}
