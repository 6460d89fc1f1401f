using Orleans.Concurrency;
using SessionGrains.Sessions;

namespace SessionGrains.Users;

/// <summary>
/// One user of one tenant (key: "tenant/userId", see <see cref="GrainKeys.User"/>): its denylist
/// flag (stored) and the ids of its live sessions (in memory, loaded from the user's shard of the
/// session table on activation). Every sign-in of the user passes through here, one at a time, so a
/// sign-in racing a denylist either finishes before it (and is ended by it) or is refused.
/// </summary>
public interface IUserGrain : IGrainWithStringKey
{
    /// <summary>
    /// Opens session <paramref name="sessionId"/> under the tenant's current policy, enforcing
    /// denylist and session limit. The caller picks the id (128 random bits)
    /// so that a call whose answer was lost can be sent again: the same id and sign-in give the
    /// one session new tokens (the lost answer's were never seen) instead of opening another.
    /// </summary>
    Task<SignInResult> SignIn(string sessionId, SignIn signIn);

    /// <summary>
    /// Ends every live session of the user with the given reason; returns how many ended. With
    /// <paramref name="microtenantId"/> (a caller scoped to one microtenant), only the user's
    /// sessions of that microtenant end; the others stay live and stay the user's.
    /// </summary>
    Task<int> EndAll(EndReason reason, string? microtenantId = null);

    /// <summary>
    /// Renews every live session of the user (see <see cref="ISessionGrain.Renew"/>) with
    /// <paramref name="claimsJson"/> as their claims (null: each keeps its own); returns how many
    /// were renewed. Scoped like <see cref="EndAll"/>.
    /// </summary>
    Task<int> RenewAll(string? claimsJson, string? microtenantId = null);

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
