using SessionGrains.Tenants;

namespace SessionGrains.Grains.BackchannelLogout;

/// <summary>
/// The back-channel logout outbox, as grains see it (the host implements it over its database).
/// A single end puts its notice in the outbox with the session's own write
/// (<see cref="SessionTable.ISessionRowStore.WriteAsync"/>); a logout-all, which stores no end per
/// session, queues the notices of the sessions it covers here.
/// </summary>
public interface IBackchannelOutbox
{
    /// <summary>
    /// Queues a notice to <paramref name="uri"/> for every session of <paramref name="clientId"/>
    /// that is stored as active and that <paramref name="marker"/> covers (<see cref="LogoutAllRule.Covers"/>),
    /// unless it has one already. Says how many were queued.
    /// </summary>
    Task<int> QueueCoveredAsync(string tenantId, LogoutAllMarker marker, string clientId, string uri, CancellationToken cancellationToken);
}
