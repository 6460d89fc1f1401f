using SessionGrains.Grains.Security;
using SessionGrains.Sessions;
using SessionGrains.Tenants;
using SessionGrains.Users;

namespace SessionGrains.Grains.Users;

/// <inheritdoc cref="IUserGrain"/>
internal sealed class UserGrain(
    [PersistentState("user", StorageNames.Default)] IPersistentState<UserState> state,
    [FromKeyedServices(Clock.Key)] TimeProvider time) : Grain, IUserGrain
{
    private string TenantId => GrainKeys.Split(this.GetPrimaryKeyString()).TenantId;

    private List<UserSessionEntry> Sessions => state.State.Sessions;

    public async Task<SignInResult> SignIn(SignIn signIn, TenantPolicy policy)
    {
        if (state.State.Denylisted)
        {
            return new SignInResult(null, SignInError.UserDenylisted);
        }

        var now = time.GetUtcNow();
        Sessions.RemoveAll(s => s.ExpiresAt <= now);
        if (policy.MaxSessionsPerUser > 0 && Sessions.Count >= policy.MaxSessionsPerUser)
        {
            await PruneEndedAsync();
            var excess = Sessions.Count - policy.MaxSessionsPerUser + 1;
            if (excess > 0)
            {
                if (policy.OnSessionLimit == SessionLimitAction.Deny)
                {
                    return new SignInResult(null, SignInError.SessionLimitReached);
                }

                foreach (var oldest in Sessions.Take(excess).ToList())
                {
                    await Session(oldest.SessionId).End(EndReason.Evicted);
                    Sessions.Remove(oldest);
                }
            }
        }

        // The id is stored before the session exists, so the user can never lose track of a
        // session it owns; an id whose session never opened is pruned as not found.
        var sessionId = Secrets.RandomToken(16);
        var entry = new UserSessionEntry(
            sessionId, now, policy.AbsoluteLifetimeSeconds > 0 ? now.AddSeconds(policy.AbsoluteLifetimeSeconds) : null);
        Sessions.Add(entry);
        await state.WriteStateAsync();

        var tokens = await Session(sessionId).Open(new SessionOpening(
            signIn, policy.IdleTimeoutSeconds, policy.AbsoluteLifetimeSeconds, policy.RefreshReuseGraceSeconds));
        return new SignInResult(tokens, null);
    }

    public Task SessionEnded(string sessionId)
    {
        // Memory only: a stale id in storage costs one status check at the next limit check.
        Sessions.RemoveAll(s => s.SessionId == sessionId);
        return Task.CompletedTask;
    }

    /// <summary>Asks every listed session where it stands and forgets those that ended.</summary>
    private async Task PruneEndedAsync()
    {
        var statuses = await Task.WhenAll(Sessions.Select(s => Session(s.SessionId).GetStatus()));
        var ended = Sessions.Where((_, i) => statuses[i] != SessionStatus.Active).ToHashSet();
        Sessions.RemoveAll(ended.Contains);
    }

    private ISessionGrain Session(string sessionId) =>
        GrainFactory.GetGrain<ISessionGrain>(GrainKeys.Session(TenantId, sessionId));
}
