using Microsoft.Extensions.DependencyInjection.Extensions;
using Orleans.Runtime.Placement;
using SessionGrains.Grains.Caching;

namespace SessionGrains.Grains;

/// <summary>Registers what the grains need on every silo.</summary>
public static class SiloBuilderExtensions
{
    /// <summary>
    /// Adds the tenant cache, its broadcast, the silo-pinned placement and the session clock
    /// (the system clock unless a test registered another under <see cref="Clock.Key"/> first).
    /// </summary>
    public static ISiloBuilder AddSessionGrains(this ISiloBuilder silo)
    {
        silo.Services.TryAddKeyedSingleton(Clock.Key, TimeProvider.System);
        silo.Services.AddSingleton<TenantCache>();
        silo.Services.AddSingleton<TenantBroadcast>();
        silo.Services.AddPlacementDirector<SiloPinnedPlacement, SiloPinnedPlacementDirector>();
        return silo;
    }
}
