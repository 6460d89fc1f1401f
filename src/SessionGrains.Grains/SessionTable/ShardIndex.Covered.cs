using System.Runtime.InteropServices;
using SessionGrains.Sessions;
using SessionGrains.Tenants;

namespace SessionGrains.Grains.SessionTable;

internal sealed partial class ShardIndex
{
    /// <summary>
    /// The sessions stored as active that <paramref name="marker"/> covers: those a logout-all
    /// ends only by being held, which must store their end before it may be forgotten.
    /// </summary>
    public List<string> StoredActiveCoveredBy(LogoutAllMarker marker)
    {
        var covered = new List<string>();
        foreach (ref readonly var e in CollectionsMarshal.AsSpan(_hot))
        {
            if (e.Status == SessionStatus.Active && LogoutAllRule.Covers(marker, e.ClientId, e.CreatedAt, e.TenantVersion))
            {
                covered.Add(e.SessionId);
            }
        }

        return covered;
    }
}
