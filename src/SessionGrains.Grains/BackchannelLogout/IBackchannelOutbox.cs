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
    /// Queues a notice for every session of one of <paramref name="targets"/>' clients (to that
    /// client's URI) that is stored as active and that <paramref name="marker"/> covers
    /// (<see cref="LogoutAllRule.Covers"/>), unless it has one already. Says how many were queued.
    /// </summary>
    Task<int> QueueCoveredAsync(string tenantId, LogoutAllMarker marker, IReadOnlyList<LogoutTarget> targets, CancellationToken cancellationToken);
}

/// <summary>A client to tell of a logout-all, and where.</summary>
public sealed record LogoutTarget(string ClientId, string Uri);
