using System.Runtime.InteropServices;
using SessionGrains.Sessions;
using SessionGrains.Tenants;

namespace SessionGrains.Grains.SessionTable;

internal sealed partial class ShardIndex
{
    /// <summary>
    /// Removes the sessions that, as of <paramref name="now"/>, ended before <paramref name="cutoff"/>
    /// (the retention); returns their ids, for their rows to be deleted.
    /// </summary>
    public List<string> Purge(DateTimeOffset now, DateTimeOffset cutoff, TenantSnapshot tenant)
    {
        var purged = new List<string>();
        var moment = new Moment(now.UtcTicks, tenant);
        var before = cutoff.UtcTicks;
        for (var i = _rows.Count - 1; i >= 0; i--)
        {
            var (status, endedAt, _) = moment.Effective(in CollectionsMarshal.AsSpan(_hot)[i]);
            if (status != SessionStatus.Active && endedAt < before)
            {
                purged.Add(_rows[i].SessionId);
                RemoveAt(i);
            }
        }

        if (purged.Count > 0)
        {
            _strings.Retain(StringsInUse());

            // Renumber the users still held, so numbers stay dense and forgotten ids are dropped.
            _userNumbers.Clear();
            var hot = CollectionsMarshal.AsSpan(_hot);
            for (var i = 0; i < hot.Length; i++)
            {
                hot[i].UserNumber = UserNumber(_rows[i].UserId);
            }

            CompactTextIfSparse();
        }

        return purged;
    }
}
