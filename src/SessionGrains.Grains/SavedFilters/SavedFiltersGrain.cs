using SessionGrains.SavedFilters;

namespace SessionGrains.Grains.SavedFilters;

/// <summary>The durable state of one key's saved filters (state name "savedFilters").</summary>
[GenerateSerializer]
public sealed class SavedFiltersState
{
    /// <summary>The filters by name.</summary>
    [Id(0)] public Dictionary<string, SavedFilter> Filters { get; set; } = new(StringComparer.Ordinal);
}

/// <inheritdoc cref="ISavedFiltersGrain"/>
internal sealed class SavedFiltersGrain(
    [PersistentState("savedFilters", StorageNames.Default)] IPersistentState<SavedFiltersState> state,
    [FromKeyedServices(Clock.Key)] TimeProvider time)
    : Grain, ISavedFiltersGrain
{
    public async Task<SavedFilter?> Save(string name, SavedQuery query)
    {
        var filters = state.State.Filters;
        var existing = filters.GetValueOrDefault(name);
        if (existing is null && filters.Count >= ISavedFiltersGrain.MaxFilters)
        {
            return null;
        }

        var now = time.GetUtcNow();
        var saved = new SavedFilter(name, query, existing?.CreatedAt ?? now, now);
        filters[name] = saved;
        await state.WriteOrForgetAsync(this);
        return saved;
    }

    public async Task<bool> Delete(string name)
    {
        if (!state.State.Filters.Remove(name))
        {
            return false;
        }

        await state.WriteOrForgetAsync(this);
        return true;
    }

    public Task<IReadOnlyList<SavedFilter>> List() => Task.FromResult<IReadOnlyList<SavedFilter>>(
        state.State.Filters.Values.OrderBy(f => f.Name, StringComparer.Ordinal).ToList());
}
