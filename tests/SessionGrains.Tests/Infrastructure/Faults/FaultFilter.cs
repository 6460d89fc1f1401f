using SessionGrains.Caching;
using SessionGrains.Tenants;

namespace SessionGrains.Tests.Infrastructure.Faults;

/// <summary>Applies a silo's <see cref="SiloFaults"/> to the grain calls it receives and makes.</summary>
internal sealed class FaultFilter(SiloFaults faults) : IIncomingGrainCallFilter, IOutgoingGrainCallFilter
{
    public Task Invoke(IIncomingGrainCallContext context) =>
        faults.DropPushes && context.InterfaceMethod?.DeclaringType == typeof(ITenantCacheSyncGrain)
            ? faults.DropAsync()
            : context.Invoke();

    public Task Invoke(IOutgoingGrainCallContext context)
    {
        if (context.InterfaceMethod?.DeclaringType == typeof(ITenantGrain) && context.InterfaceMethod.Name == nameof(ITenantGrain.Lease))
        {
            faults.CountFetch();
            if (faults.CutOffFromTenants)
            {
                throw new TimeoutException("The request for the tenant snapshot was lost (test fault).");
            }

            return faults.DeliverAsync(context.Invoke());
        }

        return context.Invoke();
    }
}
