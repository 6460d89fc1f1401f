using SessionGrains.Users;

namespace SessionGrains.Grains.Users;

/// <summary>The durable state of a tenant's denylist (state name "denylist").</summary>
[GenerateSerializer]
public sealed class TenantDenylistState
{
    [Id(0)] public Dictionary<string, DenylistEntry> Entries { get; set; } = new(StringComparer.Ordinal);
}

/// <inheritdoc cref="ITenantDenylistGrain"/>
internal sealed class TenantDenylistGrain(
    [PersistentState("denylist", StorageNames.Default)] IPersistentState<TenantDenylistState> state)
    : Grain, ITenantDenylistGrain
{
    public async Task Add(DenylistEntry entry)
    {
        state.State.Entries[entry.UserId] = entry;
        await state.WriteOrForgetAsync(this);
    }

    public async Task<bool> Remove(string userId)
    {
        if (!state.State.Entries.Remove(userId))
        {
            return false;
        }

        await state.WriteOrForgetAsync(this);
        return true;
    }

    public Task<DenylistEntry?> Find(string userId) => Task.FromResult(state.State.Entries.GetValueOrDefault(userId));

    /// <inheritdoc/>
    public Task<IReadOnlyList<DenylistEntry>> List() => Task.FromResult<IReadOnlyList<DenylistEntry>>(
        state.State.Entries.Values.OrderBy(e => e.UserId, StringComparer.Ordinal).ToList());
}
