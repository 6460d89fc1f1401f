using SessionGrains.Grains.Sessions;
using SessionGrains.SessionTable;
using SessionGrains.Sessions;
using SessionGrains.Tenants;

namespace SessionGrains.Grains.SessionTable;

/// <summary>
/// The in-memory part of a session table shard: entries in a list, found by session id through a
/// dictionary, and beside them, at the same positions, a contiguous array of what scans read
/// (<see cref="Hot"/>), so a scan of a million sessions streams through memory instead of
/// following a million pointers; the entry itself is read only for the rows of a page. Statuses are computed at query time from the stored row,
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

    private readonly List<ShardEntry> _entries = [];
    private readonly List<Hot> _hot = [];

    /// <summary>A dense number per user id held, so stats count distinct users in a bit array.</summary>
    private readonly Dictionary<string, int> _userNumbers = new(StringComparer.Ordinal);

    /// <summary>
    /// Every entry's search text (<see cref="ShardEntry.SearchTextOf"/>) side by side, so a search
    /// streams through one buffer; <see cref="Hot.TextStart"/> and <see cref="Hot.TextLength"/>
    /// locate an entry's. Replaced and removed texts leave gaps, compacted once they are half.
    /// </summary>
    private char[] _text = new char[MinText];
    private int _textUsed;
    private long _textLive;
    private const int MinText = 4096;
    private readonly Dictionary<string, int> _positions = new(StringComparer.Ordinal);

    // A user's session ids, so per-user work (a user's activation, their session list) skips the scan.
    private readonly Dictionary<string, List<string>> _userSessions = new(StringComparer.Ordinal);
    private readonly StringPool _strings = new();

    public int Count => _entries.Count;

    /// <summary>Adds or replaces a session; an older version than the one held is ignored.</summary>
    public void Apply(SessionRow summary)
    {
        if (_positions.TryGetValue(summary.SessionId, out var at))
        {
            if (_entries[at].Version >= summary.Version)
            {
                return;
            }

            var old = _hot[at];
            _entries[at] = ShardEntry.From(summary, _strings);
            _hot[at] = HotOf(_entries[at], old);
            CompactTextIfSparse();
            return;
        }

        _positions[summary.SessionId] = _entries.Count;
        _entries.Add(ShardEntry.From(summary, _strings));
        _hot.Add(HotOf(_entries[^1], null));
        ref var mine = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_userSessions, _entries[^1].UserId, out _);
        (mine ??= new List<string>(1)).Add(summary.SessionId);
    }

    /// <summary>Drops spare capacity (after a shard's load).</summary>
    public void TrimExcess()
    {
        _entries.TrimExcess();
        _hot.TrimExcess();
        CompactText(exact: true);
    }

    /// <summary>An entry's scan fields; its search text reuses <paramref name="old"/>'s when equal, else is appended.</summary>
    private Hot HotOf(ShardEntry e, Hot? old)
    {
        var text = ShardEntry.SearchTextOf(e.UserEmail, e.UserId, e.IpAddress, e.SessionName, e.ApiKeyName);
        int start;
        if (old is { } o && _text.AsSpan(o.TextStart, o.TextLength).SequenceEqual(text))
        {
            start = o.TextStart;
        }
        else
        {
            if (old is { } replaced)
            {
                _textLive -= replaced.TextLength;
            }

            if (_textUsed + text.Length > _text.Length)
            {
                // Grows by a quarter: at a million sessions the buffer is tens of MB, so spare room costs.
                Array.Resize(ref _text, Math.Max(_text.Length + (_text.Length / 4), _textUsed + text.Length));
            }

            start = _textUsed;
            text.CopyTo(_text.AsSpan(start));
            _textUsed += text.Length;
            _textLive += text.Length;
        }

        return new Hot(e, UserNumber(e.UserId), start, text.Length);
    }

    private int UserNumber(string userId)
    {
        ref var number = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_userNumbers, userId, out var known);
        if (!known)
        {
            number = _userNumbers.Count - 1;
        }

        return number;
    }

    private void CompactTextIfSparse()
    {
        if (_textUsed > MinText && _textUsed > 2 * _textLive)
        {
            CompactText(exact: false);
        }
    }

    /// <summary>Rewrites the search texts in entry order without gaps.</summary>
    private void CompactText(bool exact)
    {
        var size = (int)Math.Max(MinText, exact ? _textLive : _textLive + (_textLive / 4));
        var text = new char[size];
        var used = 0;
        foreach (ref var h in System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_hot))
        {
            _text.AsSpan(h.TextStart, h.TextLength).CopyTo(text.AsSpan(used));
            h.TextStart = used;
            used += h.TextLength;
        }

        _text = text;
        _textUsed = used;
        _textLive = used;
    }

    /// <summary>The exact count of matches and the first Skip + Take of them in the query's order.</summary>
    public ShardPage Query(SessionQuery query, long now, TenantSnapshot tenant)
    {
        var keep = (int)Math.Min((long)query.Skip + query.Take, int.MaxValue);
        var top = new TopK<Candidate, CandidateOrder>(keep, new CandidateOrder(query.Sort, query.Descending));
        var moment = new Moment(now, tenant);
        var search = string.IsNullOrEmpty(query.Search) ? null : query.Search.ToLowerInvariant();
        var createdAfter = query.CreatedAfter?.ToUnixTimeMilliseconds() ?? long.MinValue;
        var createdBefore = query.CreatedBefore?.ToUnixTimeMilliseconds() ?? long.MaxValue;
        long total = 0;

        var hot = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_hot);
        var text = _text;

        // A per-user query looks at that user's sessions only; every other query scans them all.
        int[]? only = null;
        if (query.UserId is not null)
        {
            only = _userSessions.TryGetValue(query.UserId, out var ids) ? ids.Select(id => _positions[id]).ToArray() : [];
        }

        var count = only?.Length ?? hot.Length;
        for (var k = 0; k < count; k++)
        {
            var i = only is null ? k : only[k];
            ref readonly var e = ref hot[i];
            if ((query.UserId is not null && !string.Equals(e.UserId, query.UserId, StringComparison.Ordinal))
                || (query.ClientId is not null && !string.Equals(e.ClientId, query.ClientId, StringComparison.Ordinal))
                || (query.Kind is { } kind && e.Kind != kind)
                || (query.MicrotenantId is not null && !string.Equals(e.MicrotenantId, query.MicrotenantId, StringComparison.Ordinal))
                || (query.IpAddress is not null && !string.Equals(_entries[i].IpAddress, query.IpAddress, StringComparison.Ordinal))
                || e.CreatedAt < createdAfter
                || e.CreatedAt >= createdBefore
                || (search is not null && text.AsSpan(e.TextStart, e.TextLength).IndexOf(search.AsSpan()) < 0))
            {
                continue;
            }

            var (status, endedAt, reason) = moment.Effective(in e);
            if ((query.Status == StatusFilter.Active && status != SessionStatus.Active)
                || (query.Status == StatusFilter.Inactive && status == SessionStatus.Active))
            {
                continue;
            }

            total++;
            var key = OrderKey.Of(query.Sort, e.SessionId, e.CreatedAt, e.LastActivity, e.UserEmail, e.EmailPrefix, e.IpKey, e.ExpiresAt, status, endedAt, now);
            top.Offer(new Candidate(i, status, endedAt, reason, key));
        }

        var sorted = top.Sorted();
        var items = new List<SessionRow>(sorted.Length);
        foreach (ref readonly var c in sorted.AsSpan())
        {
            items.Add(c.ToRow(_entries[c.Index]));
        }

        return new ShardPage(total, items);
    }

    /// <summary>Aggregates over the shard's sessions, optionally of one microtenant.</summary>
    public SessionStats Stats(string? microtenantId, long now, TenantSnapshot tenant)
    {
        long total = 0, active = 0;
        double duration = 0;
        var activeUsers = new System.Collections.BitArray(_userNumbers.Count);
        long uniqueUsers = 0;
        var byClient = new Dictionary<string, (long Active, long Total)>(ReferenceEqualityComparer.Instance);
        var moment = new Moment(now, tenant);
        foreach (ref readonly var e in System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_hot))
        {
            if (microtenantId is not null && !string.Equals(e.MicrotenantId, microtenantId, StringComparison.Ordinal))
            {
                continue;
            }

            var (status, endedAt, _) = moment.Effective(in e);
            var isActive = status == SessionStatus.Active;
            total++;
            duration += ((isActive ? now : endedAt) - e.CreatedAt) / 1000.0;
            ref var client = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(byClient, e.ClientId, out _);
            client.Total++;
            if (isActive)
            {
                active++;
                client.Active++;
                if (!activeUsers[e.UserNumber])
                {
                    activeUsers[e.UserNumber] = true;
                    uniqueUsers++;
                }
            }
        }

        return new SessionStats(
            total, active, uniqueUsers, duration,
            byClient.Select(c => new ClientCount(c.Key, c.Value.Active, c.Value.Total)).ToList());
    }

    /// <summary>Removes the sessions that ended before <paramref name="cutoff"/>; returns their ids.</summary>
    public List<string> Purge(long now, long cutoff, TenantSnapshot tenant)
    {
        var purged = new List<string>();
        var moment = new Moment(now, tenant);
        for (var i = _entries.Count - 1; i >= 0; i--)
        {
            var (status, endedAt, _) = moment.Effective(in System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_hot)[i]);
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
                e.IpAddress, e.UserAgent, e.MicrotenantId,
            }));

            // Renumber the users still held, so numbers stay dense and forgotten ids are dropped.
            _userNumbers.Clear();
            var hot = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(_hot);
            for (var i = 0; i < hot.Length; i++)
            {
                hot[i].UserNumber = UserNumber(_entries[i].UserId);
            }

            CompactTextIfSparse();
        }

        return purged;
    }

    private void RemoveAt(int index)
    {
        var last = _entries.Count - 1;
        var removed = _entries[index];
        _positions.Remove(removed.SessionId);
        var mine = _userSessions[removed.UserId];
        mine.Remove(removed.SessionId);
        if (mine.Count == 0)
        {
            _userSessions.Remove(removed.UserId);
        }

        _textLive -= _hot[index].TextLength;
        if (index != last)
        {
            _entries[index] = _entries[last];
            _hot[index] = _hot[last];
            _positions[_entries[index].SessionId] = index;
        }

        _entries.RemoveAt(last);
        _hot.RemoveAt(last);
    }

    /// <summary>
    /// The clock and the tenant of one scan, with the session rules applied on UTC ticks
    /// (<see cref="SessionClock.DueTicks"/>, <see cref="TenantSnapshot.LoggedOutAtTicks"/>): the
    /// same rules the session grain applies, without building DateTimeOffsets per session.
    /// </summary>
    private readonly struct Moment(long now, TenantSnapshot tenant)
    {
        private static readonly long EpochTicks = DateTimeOffset.UnixEpoch.UtcTicks;
        private static readonly long IdleGraceTicks = IdleGrace.Ticks;

        private readonly long _now = Ticks(now);
        private readonly bool _anyLogout = tenant.LogoutAlls.Count > 0;

        public (SessionStatus Status, long EndedAt, EndReason? Reason) Effective(in Hot e)
        {
            if (e.Status != SessionStatus.Active)
            {
                return (e.Status, e.EndedAt, e.EndReason);
            }

            var logout = _anyLogout ? tenant.LoggedOutAtTicks(e.ClientId, Ticks(e.CreatedAt)) : SessionClock.None;
            var (at, reason) = SessionClock.DueTicks(
                _now, Ticks(e.LastActivity), e.IdleTimeoutSeconds,
                e.ExpiresAt == ShardEntry.NoTime ? SessionClock.None : Ticks(e.ExpiresAt), logout, IdleGraceTicks);
            if (at == SessionClock.None)
            {
                return (SessionStatus.Active, ShardEntry.NoTime, null);
            }

            return (DueEnding.StatusOf(reason), (at - EpochTicks) / TimeSpan.TicksPerMillisecond, reason);
        }

        /// <summary>DateTimeOffset.FromUnixTimeMilliseconds(ms).UtcTicks.</summary>
        private static long Ticks(long ms) => (ms * TimeSpan.TicksPerMillisecond) + EpochTicks;
    }

    /// <summary>The table's order on candidates, as a struct so the heap's comparisons are direct calls.</summary>
    private readonly struct CandidateOrder(SessionSortKey sort, bool descending) : IComparer<Candidate>
    {
        public int Compare(Candidate x, Candidate y) => SessionOrder.Compare(sort, descending, x.Key, y.Key);
    }

    /// <summary>
    /// What a scan reads of an entry (filters, status, sort keys, stats), copied into one
    /// contiguous array: about 120 bytes a session on top of the entry, plus its search text.
    /// </summary>
    private struct Hot(ShardEntry e, int userNumber, int textStart, int textLength)
    {
        public readonly string SessionId = e.SessionId;
        public readonly string UserId = e.UserId;
        public readonly string? UserEmail = e.UserEmail;
        public readonly string ClientId = e.ClientId;
        public readonly string? MicrotenantId = e.MicrotenantId;
        public readonly int TextLength = textLength;
        public int TextStart = textStart;
        public readonly UInt128 IpKey = e.IpKey;
        public readonly long EmailPrefix = OrderKey.EmailPrefixOf(e.UserEmail);
        public readonly long CreatedAt = e.CreatedAt;
        public readonly long LastActivity = e.LastActivity;
        public readonly long ExpiresAt = e.ExpiresAt;
        public readonly long EndedAt = e.EndedAt;
        public readonly EndReason? EndReason = e.EndReason;
        public readonly int IdleTimeoutSeconds = e.IdleTimeoutSeconds;
        public int UserNumber = userNumber;
        public readonly SessionKind Kind = e.Kind;
        public readonly SessionStatus Status = e.Status;
    }

    /// <summary>An entry that matched, with its status as of the query.</summary>
    private readonly record struct Candidate(int Index, SessionStatus Status, long EndedAt, EndReason? Reason, OrderKey Key)
    {
        public SessionRow ToRow(ShardEntry e)
        {
            return new SessionRow(
                e.SessionId, e.UserId, e.UserEmail, e.SessionName, e.Kind, e.ApiKeyName, e.ClientId, e.ClientType,
                e.IdentityProvider, e.IpAddress, e.UserAgent, e.MicrotenantId, Status, ShardEntry.ToTime(e.CreatedAt),
                ShardEntry.ToTime(e.LastActivity), ShardEntry.ToTimeOrNull(e.ExpiresAt), e.IdleTimeoutSeconds,
                ShardEntry.ToTimeOrNull(EndedAt), Reason, e.Version);
        }
    }
}
