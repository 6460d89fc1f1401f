namespace SessionGrains.SessionTable;

/// <summary>
/// One shard of a tenant's session table (key: "tenant/shard", see <see cref="GrainKeys.Shard"/>).
/// A user's sessions all live in the shard chosen by the user id, so per-user work touches one
/// shard and unique-user counts stay exact. The shard loads its sessions' stored rows when it
/// activates and is kept current by the session grains after each of their writes, and, should
/// one of them fail to tell it, by reading the rows written since it last looked.
/// </summary>
public interface ISessionTableShardGrain : IGrainWithStringKey
{
    /// <summary>Records a session's stored row; an older version than the one held is ignored.</summary>
    Task Apply(SessionRow summary);

    /// <summary>
    /// Reads the rows of this shard written since it last looked and applies them, so what it
    /// answers next includes every session stored before this call. It also runs on a timer
    /// (<c>SessionGrains:SessionTable:CatchUpIntervalSeconds</c>), so a session whose grain could not
    /// tell the shard is listed within that interval.
    /// </summary>
    Task CatchUp();

    /// <summary>The exact number of matches and the first Skip + Take of them, in order.</summary>
    Task<ShardPage> Query(SessionQuery query);

    /// <summary>
    /// Aggregates over this shard's sessions, optionally of one microtenant, as of
    /// <paramref name="asOf"/> (the same moment for every shard of one request).
    /// </summary>
    Task<SessionStats> Stats(string? microtenantId, DateTimeOffset asOf);

    /// <summary>How many sessions the shard holds (any status); activating it loads them.</summary>
    Task<int> Count();

    /// <summary>
    /// Purges sessions that ended longer ago than the retention period, from memory and from
    /// storage; returns how many. Runs on a timer too.
    /// </summary>
    Task<int> Sweep();

    /// <summary>
    /// The ids of this shard's sessions that are stored as active and that <paramref name="marker"/>
    /// covers (<see cref="SessionGrains.Tenants.LogoutAllRule.Covers"/>): those whose end must be
    /// stored before the marker may be forgotten.
    /// </summary>
    Task<IReadOnlyList<string>> StoredActiveCoveredBy(SessionGrains.Tenants.LogoutAllMarker marker);
}
