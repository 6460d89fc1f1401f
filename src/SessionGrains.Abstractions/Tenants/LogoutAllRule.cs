namespace SessionGrains.Tenants;

/// <summary>
/// The logout-all rule, in one place. A marker covers a session of its client (or of any client,
/// tenant-wide) that was signed in under an older tenant version than the marker was written at:
/// versions, not wall clocks, order sign-ins against logout-alls, because a change returns only
/// once every silo holds it, so a sign-in that starts after a logout-all returned runs under its
/// version or a later one. A session ends at the first marker that covers it, at the marker's
/// not-before time but never before its own creation (clocks of different silos may disagree),
/// so a later logout-all never moves an earlier end. Markers and sessions stored before they had
/// versions (version 0) are ordered by time, as they were then. The tenant grain appends with it;
/// session grains, shards and the compaction of old markers apply it.
/// </summary>
public static class LogoutAllRule
{
    /// <summary>
    /// How many markers a tenant keeps for good; older ones are dropped only after every session
    /// they cover has stored its end (see <see cref="ILogoutAllCompactionGrain"/>).
    /// </summary>
    public const int MaxKept = 256;

    /// <summary>
    /// The most markers a tenant holds while older ones wait to be dropped: past it, a logout-all
    /// is refused for now rather than forgetting one whose sessions have not stored their end.
    /// </summary>
    public const int MaxHeld = 2 * MaxKept;

    /// <summary>
    /// Appends a marker for <paramref name="clientId"/> (null: every client) written at tenant
    /// <paramref name="version"/>, at <paramref name="now"/> or just after the last marker when the
    /// clock is behind it, so times only move forward; returns the marker.
    /// </summary>
    public static LogoutAllMarker Append(List<LogoutAllMarker> markers, string? clientId, DateTimeOffset now, long version)
    {
        var notBefore = markers.Count > 0 && now <= markers[^1].NotBefore ? markers[^1].NotBefore.AddTicks(1) : now;
        var marker = new LogoutAllMarker(clientId, notBefore, version);
        markers.Add(marker);
        return marker;
    }

    /// <summary>
    /// Whether <paramref name="marker"/> covers a session of <paramref name="clientId"/> created at
    /// <paramref name="createdAt"/> (UTC ticks) under tenant version <paramref name="createdVersion"/>.
    /// </summary>
    public static bool Covers(LogoutAllMarker marker, string clientId, long createdAt, long createdVersion) =>
        (marker.ClientId is null || marker.ClientId == clientId)
        && (marker.Version > 0 && createdVersion > 0 ? createdVersion < marker.Version : createdAt < marker.NotBefore.UtcTicks);

    /// <summary>
    /// When a session of <paramref name="clientId"/> created at <paramref name="createdAt"/> (UTC
    /// ticks) under tenant version <paramref name="createdVersion"/> was ended by a logout-all, in
    /// UTC ticks; <see cref="UtcTicks.None"/> when none covers it. <paramref name="markers"/> are
    /// ordered by version and by time, as <see cref="Append"/> keeps them (versionless ones first).
    /// </summary>
    public static long EndOf(IReadOnlyList<LogoutAllMarker> markers, string clientId, long createdAt, long createdVersion)
    {
        if (markers.Count == 0)
        {
            return UtcTicks.None;
        }

        // Versionless markers (and every marker, for a versionless session) by time: a binary
        // search for the first one after the creation. Then, for a versioned session, the first
        // versioned marker written after its version. Either way the first covering one wins.
        var byTime = createdVersion > 0 && markers[0].Version > 0 ? markers.Count : FirstAfterTime(markers, createdAt);
        for (var i = byTime; i < markers.Count && (createdVersion == 0 || markers[i].Version == 0); i++)
        {
            if (Covers(markers[i], clientId, createdAt, createdVersion))
            {
                return EndTicks(markers[i], createdAt);
            }
        }

        if (createdVersion > 0)
        {
            for (var i = FirstAfterVersion(markers, createdVersion); i < markers.Count; i++)
            {
                if (Covers(markers[i], clientId, createdAt, createdVersion))
                {
                    return EndTicks(markers[i], createdAt);
                }
            }
        }

        return UtcTicks.None;
    }

    /// <summary>A covered session ends at the marker, but never before it began.</summary>
    private static long EndTicks(LogoutAllMarker marker, long createdAt) => Math.Max(marker.NotBefore.UtcTicks, createdAt);

    private static int FirstAfterTime(IReadOnlyList<LogoutAllMarker> markers, long createdAt)
    {
        int low = 0, high = markers.Count;
        while (low < high)
        {
            var mid = (low + high) / 2;
            if (markers[mid].NotBefore.UtcTicks > createdAt)
            {
                high = mid;
            }
            else
            {
                low = mid + 1;
            }
        }

        return low;
    }

    private static int FirstAfterVersion(IReadOnlyList<LogoutAllMarker> markers, long createdVersion)
    {
        int low = 0, high = markers.Count;
        while (low < high)
        {
            var mid = (low + high) / 2;
            if (markers[mid].Version > createdVersion)
            {
                high = mid;
            }
            else
            {
                low = mid + 1;
            }
        }

        return low;
    }
}
