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
    private (string TenantId, string UserId) Key => GrainKeys.Split(this.GetPrimaryKeyString());

    private List<UserSessionEntry> Sessions => state.State.Sessions;

    public async Task<SignInResult> SignIn(SignIn signIn, TenantPolicy policy, int indexShards)
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
            signIn, policy.IdleTimeoutSeconds, policy.AbsoluteLifetimeSeconds, policy.RefreshReuseGraceSeconds,
            now, GrainKeys.ShardOf(Key.UserId, indexShards)));
        return new SignInResult(tokens, null);
    }

    public async Task<int> EndAll(EndReason reason)
    {
        var outcomes = await Task.WhenAll(Sessions.Select(s => Session(s.SessionId).End(reason)));
        Sessions.Clear();
        await state.WriteStateAsync();
        return outcomes.Count(o => o == EndOutcome.Terminated);
    }

    public async Task<int> Denylist(string? reason)
    {
        // Listed first: a denylisted user must never be missing from the list an administrator
        // uses to lift it. Then the flag, which is what refuses sign-ins, then the sessions end.
        var entry = new DenylistEntry(Key.UserId, reason, time.GetUtcNow());
        await GrainFactory.GetGrain<ITenantDenylistGrain>(Key.TenantId).Add(entry);
        state.State.Denylisted = true;
        state.State.DenylistReason = reason;
        state.State.DenylistedAt = entry.CreatedAt;
        await state.WriteStateAsync();
        return await EndAll(EndReason.Denylisted);
    }

    public async Task<bool> RemoveFromDenylist()
    {
        var was = state.State.Denylisted;
        state.State.Denylisted = false;
        state.State.DenylistReason = null;
        state.State.DenylistedAt = null;
        await state.WriteStateAsync();
        var listed = await GrainFactory.GetGrain<ITenantDenylistGrain>(Key.TenantId).Remove(Key.UserId);
        return was || listed;
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
        GrainFactory.GetGrain<ISessionGrain>(GrainKeys.Session(Key.TenantId, sessionId));
}
