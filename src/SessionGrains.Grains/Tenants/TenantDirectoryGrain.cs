using SessionGrains.Tenants;

namespace SessionGrains.Grains.Tenants;

/// <summary>The durable state of the tenant directory (state name "tenantDirectory").</summary>
[GenerateSerializer]
public sealed class TenantDirectoryState
{
    [Id(0)] public List<string> TenantIds { get; set; } = [];
}

/// <inheritdoc cref="ITenantDirectoryGrain"/>
internal sealed class TenantDirectoryGrain(
    [PersistentState("tenantDirectory", StorageNames.Default)] IPersistentState<TenantDirectoryState> state)
    : Grain, ITenantDirectoryGrain
{
    public async Task Add(string tenantId)
    {
        var ids = state.State.TenantIds;
        var at = ids.BinarySearch(tenantId, StringComparer.Ordinal);
        if (at >= 0)
        {
            return;
        }

        ids.Insert(~at, tenantId);
        await state.WriteStateAsync();
    }

    public Task<bool> Contains(string tenantId) =>
        Task.FromResult(state.State.TenantIds.BinarySearch(tenantId, StringComparer.Ordinal) >= 0);

    public Task<IReadOnlyList<string>> List() => Task.FromResult<IReadOnlyList<string>>(state.State.TenantIds.ToArray());
}
