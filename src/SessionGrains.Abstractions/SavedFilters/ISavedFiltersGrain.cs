namespace SessionGrains.SavedFilters;

/// <summary>
/// The saved filters of one API key (key: <see cref="GrainKeys.SavedFilters"/>, tenant and key
/// id), private to it: no other key, of its tenant or any other, reaches this grain.
/// </summary>
public interface ISavedFiltersGrain : IGrainWithStringKey
{
    /// <summary>The most filters one key keeps.</summary>
    const int MaxFilters = 100;

    /// <summary>
    /// Saves <paramref name="query"/> as <paramref name="name"/>, replacing a filter of that name
    /// (which keeps its creation time). Null, and nothing saved, when the key already has
    /// <see cref="MaxFilters"/> other filters.
    /// </summary>
    Task<SavedFilter?> Save(string name, SavedQuery query);

    /// <summary>Removes a filter; false when there was none of that name.</summary>
    Task<bool> Delete(string name);

    /// <summary>All filters, by name (ordinal).</summary>
    Task<IReadOnlyList<SavedFilter>> List();
}
