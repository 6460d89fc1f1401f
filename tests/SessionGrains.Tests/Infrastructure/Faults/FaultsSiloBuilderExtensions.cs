using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using SessionGrains.Grains;

namespace SessionGrains.Tests.Infrastructure.Faults;

/// <summary>Wires <see cref="SiloFaults"/> into a test silo.</summary>
public static class FaultsSiloBuilderExtensions
{
    /// <summary>
    /// Registers the silo's <see cref="SiloFaults"/>, the call filter and, around the grain storage
    /// registered so far under <see cref="StorageNames.Default"/>, the failing-writes wrapper.
    /// Call after the storage is added.
    /// </summary>
    public static ISiloBuilder AddFaults(this ISiloBuilder silo)
    {
        silo.Services.AddSingleton<SiloFaults>();
        silo.AddIncomingGrainCallFilter<FaultFilter>();
        silo.AddOutgoingGrainCallFilter<FaultFilter>();

        var storage = silo.Services.Last(d => d.ServiceType == typeof(IGrainStorage) && Equals(d.ServiceKey, StorageNames.Default));
        var create = storage.KeyedImplementationFactory
            ?? throw new InvalidOperationException("The default grain storage is expected to be registered by a factory.");
        silo.Services.AddKeyedSingleton<IGrainStorage>(StorageNames.Default, (sp, key) =>
            new FaultyGrainStorage((IGrainStorage)create(sp, key), sp.GetRequiredService<SiloFaults>()));
        return silo;
    }
}
