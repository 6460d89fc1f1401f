using System.Runtime.InteropServices;
using SessionGrains.Grains.Sessions;
using SessionGrains.SessionTable;

namespace SessionGrains.Grains.SessionTable;

/// <summary>
/// The in-memory part of a session table shard. Each session is held as its stored
/// <see cref="SessionRow"/> (strings shared through a <see cref="StringPool"/>), found by
/// session id through a dictionary, and beside it, at the same position, a contiguous array of
/// what scans read (<see cref="Hot"/>), so a scan of a million sessions streams through memory
/// instead of following a million pointers; the row itself is read only for the rows of a page.
/// Statuses are computed at query time from the stored row, the clock and the tenant's
/// logout-all markers, so nothing is visited when a deadline passes.
/// </summary>
/// <remarks>
/// The parts, one file each: this one (holding and replacing rows), the search texts
/// (<c>ShardIndex.SearchText.cs</c>), the effective status (<c>ShardIndex.Moment.cs</c>), the scan
/// and its top-k (<c>ShardIndex.Query.cs</c>), the stats (<c>ShardIndex.Stats.cs</c>), the
/// purge (<c>ShardIndex.Purge.cs</c>) and the sessions an old logout-all still ends only by being
/// held (<c>ShardIndex.Covered.cs</c>). Not thread-safe: the owning grain serialises access.
/// </remarks>
internal sealed partial class ShardIndex
{
    /// <summary>
    /// Stored last activity lags the real one (<see cref="ActivityWriteBehind"/>), so a shard
    /// waits that long past the idle deadline before it calls a session idle.
    /// </summary>
    public static readonly TimeSpan IdleGrace = ActivityWriteBehind.MaxLag;

    private readonly List<SessionRow> _rows = [];
    private readonly List<Hot> _hot = [];
    private readonly Dictionary<string, int> _positions = new(StringComparer.Ordinal);

    /// <summary>A user's session ids, so per-user work (a user's activation, their session list) skips the scan.</summary>
    private readonly Dictionary<string, List<string>> _userSessions = new(StringComparer.Ordinal);

    /// <summary>A dense number per user id held, so stats count distinct users in a bit array.</summary>
    private readonly Dictionary<string, int> _userNumbers = new(StringComparer.Ordinal);

    private readonly StringPool _strings = new();

    public int Count => _rows.Count;

    /// <summary>The pool a store shares the strings of the rows it loads for this shard through (<see cref="Load"/>).</summary>
    public ISessionStrings Strings => _strings;

    /// <summary>Adds or replaces a session; an older version than the one held is ignored.</summary>
    public void Apply(SessionRow row) => Put(row, shared: false);

    /// <summary>
    /// As <see cref="Apply"/>, for a row whose strings already come from <see cref="Strings"/> (a
    /// shard's load): they are not looked up again, which is a tenth of a load's time.
    /// </summary>
    public void Load(SessionRow row) => Put(row, shared: true);

    private void Put(SessionRow row, bool shared)
    {
        if (_positions.TryGetValue(row.SessionId, out var at))
        {
            if (_rows[at].Version >= row.Version)
            {
                return;
            }

            _rows[at] = shared ? row : Intern(row);
            _hot[at] = HotOf(_rows[at], ReplaceText(_hot[at].Text, _rows[at]));
            CompactTextIfSparse();
            return;
        }

        var held = shared ? row : Intern(row);
        _positions[held.SessionId] = _rows.Count;
        _rows.Add(held);
        _hot.Add(HotOf(held, AddText(held)));
        ref var mine = ref CollectionsMarshal.GetValueRefOrAddDefault(_userSessions, held.UserId, out _);
        (mine ??= new List<string>(1)).Add(held.SessionId);
    }

    /// <summary>
    /// Makes room for <paramref name="rows"/> sessions in one go before a load: grown row by row,
    /// each doubling of an array past 85 KB is a large-object allocation, and enough of those
    /// start full collections, of a heap that a load fills with long-lived objects.
    /// </summary>
    public void EnsureCapacity(int rows)
    {
        _rows.EnsureCapacity(rows);
        _hot.EnsureCapacity(rows);
        _positions.EnsureCapacity(rows);
        MakeRoom(rows * ExpectedTextPerRow);
    }

    /// <summary>Drops spare capacity (after a shard's load).</summary>
    public void TrimExcess()
    {
        _rows.TrimExcess();
        _hot.TrimExcess();
        CompactText(exact: true);
    }

    /// <summary>The row with its repeated strings shared with the other rows of the shard.</summary>
    private SessionRow Intern(SessionRow row) => row with
    {
        UserId = _strings.Intern(row.UserId),
        UserEmail = _strings.Intern(row.UserEmail),
        SessionName = _strings.Intern(row.SessionName),
        ApiKeyName = _strings.Intern(row.ApiKeyName),
        ClientId = _strings.Intern(row.ClientId),
        ClientType = _strings.Intern(row.ClientType),
        IdentityProvider = _strings.Intern(row.IdentityProvider),
        IpAddress = _strings.Intern(row.IpAddress),
        UserAgent = _strings.Intern(row.UserAgent),
        MicrotenantId = _strings.Intern(row.MicrotenantId),
    };

    /// <summary>Every string a held row uses, for trimming the pool.</summary>
    private IEnumerable<string?> StringsInUse() => _rows.SelectMany(r => new[]
    {
        r.UserId, r.UserEmail, r.SessionName, r.ApiKeyName, r.ClientId, r.ClientType, r.IdentityProvider, r.IpAddress,
        r.UserAgent, r.MicrotenantId,
    });

    private Hot HotOf(SessionRow row, TextSpan text) => new(row, UserNumber(row.UserId), text);

    private int UserNumber(string userId)
    {
        ref var number = ref CollectionsMarshal.GetValueRefOrAddDefault(_userNumbers, userId, out var known);
        if (!known)
        {
            number = _userNumbers.Count - 1;
        }

        return number;
    }

    private void RemoveAt(int index)
    {
        var last = _rows.Count - 1;
        var removed = _rows[index];
        _positions.Remove(removed.SessionId);
        var mine = _userSessions[removed.UserId];
        mine.Remove(removed.SessionId);
        if (mine.Count == 0)
        {
            _userSessions.Remove(removed.UserId);
        }

        RemoveText(_hot[index].Text);
        if (index != last)
        {
            _rows[index] = _rows[last];
            _hot[index] = _hot[last];
            _positions[_rows[index].SessionId] = index;
        }

        _rows.RemoveAt(last);
        _hot.RemoveAt(last);
    }
}
