using Orleans.Concurrency;
using SessionGrains.Sessions;
using SessionGrains.Tenants;

namespace SessionGrains.Users;

/// <summary>
/// One user of one tenant (key: "tenant/userId", see <see cref="GrainKeys.User"/>): the ids of
/// its live sessions and its denylist flag. Every sign-in of the user passes through here, one at
/// a time, so a sign-in racing a denylist either finishes before it (and is ended by it) or is refused.
/// </summary>
public interface IUserGrain : IGrainWithStringKey
{
    /// <summary>
    /// Opens a session under the tenant's policy, enforcing denylist and session limit; the
    /// session is listed in the shard of the user among <paramref name="indexShards"/>.
    /// </summary>
    Task<SignInResult> SignIn(SignIn signIn, TenantPolicy policy, int indexShards);

    /// <summary>Ends every live session of the user with the given reason; returns how many ended.</summary>
    Task<int> EndAll(EndReason reason);

    /// <summary>
    /// Denylists the user: no sign-in succeeds from now on, and every live session ends (reason
    /// <c>denylisted</c>) before this returns. Returns how many sessions ended.
    /// </summary>
    Task<int> Denylist(string? reason);

    /// <summary>Lifts the denylist; false when the user was not on it.</summary>
    Task<bool> RemoveFromDenylist();

    /// <summary>Told by a session grain that one of the user's sessions has ended.</summary>
    [OneWay]
    Task SessionEnded(string sessionId);
}
