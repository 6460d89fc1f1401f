using Orleans.Runtime;

namespace SessionGrains.Grains.Caching;

/// <summary>
/// The silos a tenant grain lent its snapshot to, while their lease may still run. A change is
/// pushed to these as well as to the silos the cluster's membership lists, so a silo that joined
/// and fetched before this silo's view of the cluster caught up still gets it. Bounded by the
/// number of silos: each holds one entry, dropped once its lease has surely run out.
/// </summary>
/// <remarks>
/// The time kept is when the tenant grain answered, which is later than when the holder's lease
/// started (the fetch was sent before), so an entry outlives the lease it stands for.
/// </remarks>
public sealed class LeaseHolders(TimeProvider time, TimeSpan lease)
{
    private readonly Dictionary<SiloAddress, long> _leasedAt = [];

    /// <summary>Records that <paramref name="holder"/> fetched the snapshot now.</summary>
    public void Leased(SiloAddress holder) => _leasedAt[holder] = time.GetTimestamp();

    /// <summary>The holders whose lease may still run; the others are forgotten.</summary>
    public IReadOnlyCollection<SiloAddress> Current()
    {
        foreach (var (holder, at) in _leasedAt)
        {
            if (time.GetElapsedTime(at) >= lease)
            {
                _leasedAt.Remove(holder);
            }
        }

        return [.. _leasedAt.Keys];
    }
}
