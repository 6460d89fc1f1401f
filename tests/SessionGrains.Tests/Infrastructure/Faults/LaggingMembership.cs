using System.Collections.Immutable;

namespace SessionGrains.Tests.Infrastructure.Faults;

/// <summary>
/// The silo's real view of the cluster, less the silos in <see cref="SiloFaults.NotYetSeen"/>:
/// what a silo sees in the moments before the news of a joining silo reaches it.
/// </summary>
internal sealed class LaggingMembership(IClusterMembershipService inner, SiloFaults faults) : IClusterMembershipService
{
    public ClusterMembershipSnapshot CurrentSnapshot
    {
        get
        {
            var snapshot = inner.CurrentSnapshot;
            var hidden = faults.NotYetSeen;
            return hidden.Count == 0
                ? snapshot
                : new ClusterMembershipSnapshot(snapshot.Members.RemoveRange(hidden), snapshot.Version);
        }
    }

    public IAsyncEnumerable<ClusterMembershipSnapshot> MembershipUpdates => inner.MembershipUpdates;

    public ValueTask Refresh(MembershipVersion minimumVersion = default, CancellationToken cancellationToken = default) =>
        inner.Refresh(minimumVersion, cancellationToken);

    public Task<bool> TryKill(SiloAddress siloAddress) => inner.TryKill(siloAddress);
}
