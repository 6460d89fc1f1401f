using SessionGrains.Grains.Sessions;
using SessionGrains.Indexing;
using SessionGrains.Sessions;
using SessionGrains.Tenants;

namespace SessionGrains.Grains.Indexing;

/// <summary>
/// The in-memory part of a session table shard: entries in a list (scanned by queries), found
/// by session id through a dictionary. Statuses are computed at query time from the stored row,
/// the clock and the tenant's logout-all markers, so nothing is visited when a deadline passes.
/// Not thread-safe: the owning grain serialises access.
/// </summary>
internal sealed class ShardIndex
{
    /// <summary>
    /// Stored last activity lags the real one by up to the session grain's flush delay, so a
    /// shard waits that long past the idle deadline before it calls a session idle.
    /// </summary>
    public static readonly TimeSpan IdleGrace = SessionGrain.MaxActivityLag;

    private readonly List<IndexEntry> _entries = [];
    private readonly Dictionary<string, int> _positions = new(StringComparer.Ordinal);

    // A user's entries, so per-user work (a user's activation, their session list) skips the scan.
    private readonly Dictionary<string, List<IndexEntry>> _byUser = new(StringComparer.Ordinal);
    private readonly StringPool _strings = new();

    public int Count => _entries.Count;

    /// <summary>Adds or replaces a session; an older version than the one held is ignored.</summary>
    public void Apply(SessionSummary summary)
    {
        if (_positions.TryGetValue(summary.SessionId, out var at))
        {
            var old = _entries[at];
            if (old.Version >= summary.Version)
            {
                return;
            }

            var updated = IndexEntry.From(summary, _strings);
            _entries[at] = updated;
            var mine = _byUser[old.UserId];
            mine[mine.IndexOf(old)] = updated;
            return;
        }

        var entry = IndexEntry.From(summary, _strings);
        _positions[summary.SessionId] = _entries.Count;
        _entries.Add(entry);
        ref var list = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_byUser, entry.UserId, out _);
        (list ??= new List<IndexEntry>(1)).Add(entry);
    }

    /// <summary>A session's status, end time and reason as of <paramref name="now"/>.</summary>
    public static (SessionStatus Status, long EndedAt, EndReason? Reason) Effective(IndexEntry e, long now, TenantSnapshot tenant)
    {
        if (e.Status != SessionStatus.Active)
        {
            return (e.Status, e.EndedAt, e.EndReason);
        }

        var due = SessionClock.Due(
            IndexEntry.ToTime(now), IndexEntry.ToTime(e.LastActivity), e.IdleTimeoutSeconds, IndexEntry.ToTimeOrNull(e.ExpiresAt),
            tenant.LoggedOutAt(e.ClientId, IndexEntry.ToTime(e.CreatedAt)), IdleGrace);
        return due is { } ending
            ? (ending.Status, ending.At.ToUnixTimeMilliseconds(), ending.Reason)
            : (SessionStatus.Active, IndexEntry.NoTime, null);
    }

    /// <summary>The exact count of matches and the first Skip + Take of them in the query's order.</summary>
    public ShardPage Query(SessionQuery query, long now, TenantSnapshot tenant)
    {
        var keep = (int)Math.Min((long)query.Skip + query.Take, int.MaxValue);
        var order = new SessionOrder(query.Sort, query.Descending);
        var top = new TopK<Candidate>(keep, Comparer<Candidate>.Create((a, b) => order.Compare(a.Key, b.Key)));
        var search = string.IsNullOrEmpty(query.Search) ? null : query.Search.ToLowerInvariant();
        var createdAfter = query.CreatedAfter?.ToUnixTimeMilliseconds() ?? long.MinValue;
        var createdBefore = query.CreatedBefore?.ToUnixTimeMilliseconds() ?? long.MaxValue;
        long total = 0;
        IReadOnlyList<IndexEntry> candidates = query.UserId is null
            ? _entries
            : _byUser.TryGetValue(query.UserId, out var mine) ? mine : [];

        foreach (var e in candidates)
        {
            if ((query.UserId is not null && !string.Equals(e.UserId, query.UserId, StringComparison.Ordinal))
                || (query.ClientId is not null && !string.Equals(e.ClientId, query.ClientId, StringComparison.Ordinal))
                || (query.Kind is { } kind && e.Kind != kind)
                || (query.MicrotenantId is not null && !string.Equals(e.MicrotenantId, query.MicrotenantId, StringComparison.Ordinal))
                || (query.IpAddress is not null && !string.Equals(e.IpAddress, query.IpAddress, StringComparison.Ordinal))
                || e.CreatedAt < createdAfter
                || e.CreatedAt >= createdBefore
                || (search is not null && !e.SearchText.Contains(search, StringComparison.Ordinal)))
            {
                continue;
            }

            var (status, endedAt, reason) = Effective(e, now, tenant);
            if ((query.Status == StatusFilter.Active && status != SessionStatus.Active)
                || (query.Status == StatusFilter.Inactive && status == SessionStatus.Active))
            {
                continue;
            }

            total++;
            var key = OrderKey.Of(query.Sort, e.SessionId, e.CreatedAt, e.LastActivity, e.UserEmail, e.IpKey, e.ExpiresAt, status, endedAt, now);
            top.Offer(new Candidate(e, status, endedAt, reason, key));
        }

        var items = top.Sorted().Select(c => c.ToSummary()).ToList();
        return new ShardPage(total, items);
    }

    /// <summary>Aggregates over the shard's sessions, optionally of one microtenant.</summary>
    public SessionStats Stats(string? microtenantId, long now, TenantSnapshot tenant)
    {
        long total = 0, active = 0;
        double duration = 0;
        var activeUsers = new HashSet<string>(ReferenceEqualityComparer.Instance);
        var byClient = new Dictionary<string, (long Active, long Total)>(ReferenceEqualityComparer.Instance);
        foreach (var e in _entries)
        {
            if (microtenantId is not null && !string.Equals(e.MicrotenantId, microtenantId, StringComparison.Ordinal))
            {
                continue;
            }

            var (status, endedAt, _) = Effective(e, now, tenant);
            var isActive = status == SessionStatus.Active;
            total++;
            duration += ((isActive ? now : endedAt) - e.CreatedAt) / 1000.0;
            ref var client = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(byClient, e.ClientId, out _);
            client.Total++;
            if (isActive)
            {
                active++;
                client.Active++;
                activeUsers.Add(e.UserId);
            }
        }

        return new SessionStats(
            total, active, activeUsers.Count, duration,
            byClient.Select(c => new ClientCount(c.Key, c.Value.Active, c.Value.Total)).ToList());
    }

    /// <summary>Removes the sessions that ended before <paramref name="cutoff"/>; returns their ids.</summary>
    public List<string> Purge(long now, long cutoff, TenantSnapshot tenant)
    {
        var purged = new List<string>();
        for (var i = _entries.Count - 1; i >= 0; i--)
        {
            var (status, endedAt, _) = Effective(_entries[i], now, tenant);
            if (status != SessionStatus.Active && endedAt < cutoff)
            {
                purged.Add(_entries[i].SessionId);
                RemoveAt(i);
            }
        }

        if (purged.Count > 0)
        {
            _strings.Retain(_entries.SelectMany(e => new[]
            {
                e.UserId, e.UserEmail, e.SessionName, e.ApiKeyName, e.ClientId, e.ClientType, e.IdentityProvider,
                e.IpAddress, e.UserAgent, e.MicrotenantId, e.SearchText,
            }));
        }

        return purged;
    }

    private void RemoveAt(int index)
    {
        var last = _entries.Count - 1;
        var removed = _entries[index];
        _positions.Remove(removed.SessionId);
        var mine = _byUser[removed.UserId];
        mine.Remove(removed);
        if (mine.Count == 0)
        {
            _byUser.Remove(removed.UserId);
        }

        if (index != last)
        {
            _entries[index] = _entries[last];
            _positions[_entries[index].SessionId] = index;
        }

        _entries.RemoveAt(last);
    }

    /// <summary>An entry that matched, with its status as of the query.</summary>
    private readonly record struct Candidate(IndexEntry Entry, SessionStatus Status, long EndedAt, EndReason? Reason, OrderKey Key)
    {
        public SessionSummary ToSummary()
        {
            var e = Entry;
            return new SessionSummary(
                e.SessionId, e.UserId, e.UserEmail, e.SessionName, e.Kind, e.ApiKeyName, e.ClientId, e.ClientType,
                e.IdentityProvider, e.IpAddress, e.UserAgent, e.MicrotenantId, Status, IndexEntry.ToTime(e.CreatedAt),
                IndexEntry.ToTime(e.LastActivity), IndexEntry.ToTimeOrNull(e.ExpiresAt), e.IdleTimeoutSeconds,
                IndexEntry.ToTimeOrNull(EndedAt), Reason, e.Version);
        }
    }
}
