namespace SessionGrains.Tenants;

/// <summary>
/// The logout-all rule, in one place: markers only move forward in time, and a session ends at
/// the first marker after its creation that covers its client, so a later logout-all never moves
/// an earlier end. The tenant grain appends with it; session grains and shards apply it.
/// </summary>
public static class LogoutAllRule
{
    /// <summary>How many markers a tenant keeps (the oldest are dropped).</summary>
    public const int MaxKept = 256;

    /// <summary>
    /// Appends a marker for <paramref name="clientId"/> (null: every client) at <paramref name="now"/>,
    /// or just after the last marker when the clock is behind it; returns the marker's time.
    /// </summary>
    public static DateTimeOffset Append(List<LogoutAllMarker> markers, string? clientId, DateTimeOffset now)
    {
        var notBefore = markers.Count > 0 && now <= markers[^1].NotBefore ? markers[^1].NotBefore.AddTicks(1) : now;
        markers.Add(new LogoutAllMarker(clientId, notBefore));
        if (markers.Count > MaxKept)
        {
            markers.RemoveAt(0);
        }

        return notBefore;
    }

    /// <summary>
    /// When a session of <paramref name="clientId"/> created at <paramref name="createdAt"/> (UTC
    /// ticks) was ended by a logout-all, in UTC ticks; <see cref="UtcTicks.None"/> when none covers
    /// it. <paramref name="markers"/> are ordered by time, as <see cref="Append"/> keeps them.
    /// </summary>
    public static long EndOf(IReadOnlyList<LogoutAllMarker> markers, string clientId, long createdAt)
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

        for (var i = low; i < markers.Count; i++)
        {
            if (markers[i].ClientId is null || markers[i].ClientId == clientId)
            {
                return markers[i].NotBefore.UtcTicks;
            }
        }

        return UtcTicks.None;
    }
}
