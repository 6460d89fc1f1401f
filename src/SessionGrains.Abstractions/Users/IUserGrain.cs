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
    /// <summary>Opens a session under the tenant's policy, enforcing denylist and session limit.</summary>
    Task<SignInResult> SignIn(SignIn signIn, TenantPolicy policy);

    /// <summary>Told by a session grain that one of the user's sessions has ended.</summary>
    [OneWay]
    Task SessionEnded(string sessionId);
}
