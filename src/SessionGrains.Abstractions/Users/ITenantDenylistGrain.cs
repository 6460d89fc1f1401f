using Orleans.Concurrency;

namespace SessionGrains.Users;

/// <summary>
/// The list of a tenant's denylisted users (key: tenantId), for administrators to see. Whether
/// a sign-in is refused is decided by each user's own grain; this is the index of those flags.
/// </summary>
public interface ITenantDenylistGrain : IGrainWithStringKey
{
    /// <summary>Adds or replaces an entry.</summary>
    Task Add(DenylistEntry entry);

    /// <summary>Removes an entry; false when there was none.</summary>
    Task<bool> Remove(string userId);

    /// <summary>The entry of <paramref name="userId"/>, or null when the user is not denylisted.</summary>
    [ReadOnly]
    Task<DenylistEntry?> Find(string userId);

    /// <summary>All entries, by user id.</summary>
    Task<IReadOnlyList<DenylistEntry>> List();
}
