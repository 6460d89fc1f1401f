using Orleans.Runtime;

namespace SessionGrains.Tests.Infrastructure;

/// <summary>What stays activated for a tenant: its tenant grain and every grain keyed "tenantId/…".</summary>
public static class TenantActivations
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    /// <summary>The live activations, cluster-wide, of grains that belong to one of <paramref name="tenantIds"/>.</summary>
    public static async Task<IReadOnlyList<GrainId>> OfTenantsAsync(this IGrainFactory grains, IReadOnlySet<string> tenantIds)
    {
        var activations = await grains.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
        return activations
            .Select(a => a.GrainId)
            .Where(id => tenantIds.Contains(GrainKeys.Split(id.Key.ToString()!).TenantId))
            .ToList();
    }

    /// <summary>
    /// Waits (bounded) until no grain of <paramref name="tenantIds"/> is activated; a grain that
    /// deactivates on idle does so just after its call, not at once.
    /// </summary>
    public static Task NoneRemainAsync(this IGrainFactory grains, IReadOnlyCollection<string> tenantIds, CancellationToken cancellationToken = default)
    {
        var ids = tenantIds.ToHashSet(StringComparer.Ordinal);
        IReadOnlyList<GrainId> remaining = [];
        return Poll.UntilAsync(
            async _ => (remaining = await grains.OfTenantsAsync(ids)).Count == 0,
            Limit,
            () => $"{remaining.Count} activations remain for {ids.Count} tenants, e.g. {string.Join(", ", remaining.Take(5))}.",
            cancellationToken);
    }
}
