namespace SessionGrains.BackchannelLogout;

/// <summary>
/// Puts the logout notices of a tenant's logout-alls in the back-channel logout outbox (key:
/// tenantId). A logout-all stores no end per session, so its notices are queued here, after the
/// call has returned, by one statement over the sessions it covers; the tenant grain nudges this
/// grain after each logout-all and, until it has confirmed them, at each lease it hands out, so a
/// silo lost mid-way delays the notices but loses none.
/// </summary>
public interface IBackchannelLogoutAllGrain : IGrainWithStringKey
{
    /// <summary>
    /// Queues the notices of every logout-all of the tenant not queued yet, oldest first (one
    /// older than the retry window is passed over). Returns the version of the newest one queued.
    /// </summary>
    Task<long> CatchUp();
}
