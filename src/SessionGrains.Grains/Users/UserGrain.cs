using SessionGrains.Grains.Caching;
using SessionGrains.Grains.Security;
using SessionGrains.SessionTable;
using SessionGrains.Sessions;
using SessionGrains.Tenants;
using SessionGrains.Users;

namespace SessionGrains.Grains.Users;

/// <inheritdoc cref="IUserGrain"/>
internal sealed class UserGrain(
    [PersistentState("user", StorageNames.Default)] IPersistentState<UserState> state,
    TenantCache tenants,
    [FromKeyedServices(Clock.Key)] TimeProvider time) : Grain, IUserGrain
{
    /// <summary>Sessions that may be live, oldest first; ended ones are pruned lazily.</summary>
    private readonly List<UserSessionEntry> _sessions = [];

    private (string TenantId, string UserId) Key => GrainKeys.Split(this.GetPrimaryKeyString());

    /// <summary>
    /// Reads the user's live sessions from its shard of the session table, which is rebuilt from
    /// the stored rows; since every sign-in of the user runs in this grain, the list stays whole.
    /// </summary>
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        var (tenantId, userId) = Key;
        var tenant = await tenants.GetAsync(tenantId);
        var shard = GrainFactory.GetGrain<ISessionTableShardGrain>(GrainKeys.Shard(tenantId, GrainKeys.ShardOf(userId, tenant.SessionTableShards)));
        var live = await shard.Query(SessionQuery.Default with
        {
            UserId = userId, Status = StatusFilter.Active, Sort = SessionSortKey.CreatedAt, Descending = false, Take = int.MaxValue,
        });
        _sessions.AddRange(live.Items.Select(s => new UserSessionEntry(s.SessionId, s.CreatedAt, s.ExpiresAt)));
    }

    public async Task<SignInResult> SignIn(SignIn signIn)
    {
        if (state.State.Denylisted)
        {
            return new SignInResult(null, SignInError.UserDenylisted);
        }

        var tenant = await tenants.GetAsync(Key.TenantId);
        var policy = tenant.Policy;
        var now = time.GetUtcNow();
        _sessions.RemoveAll(s => s.ExpiresAt <= now);
        if (policy.MaxSessionsPerUser > 0 && _sessions.Count >= policy.MaxSessionsPerUser)
        {
            await PruneEndedAsync();
            var excess = _sessions.Count - policy.MaxSessionsPerUser + 1;
            if (excess > 0)
            {
                if (policy.OnSessionLimit == SessionLimitAction.Deny)
                {
                    return new SignInResult(null, SignInError.SessionLimitReached);
                }

                foreach (var oldest in _sessions.Take(excess).ToList())
                {
                    await Session(oldest.SessionId).End(EndReason.Evicted);
                    _sessions.Remove(oldest);
                }
            }
        }

        // Listed before it opens: should the open fail after its row was stored, this user still
        // ends it on logout; an id that never opened answers "not found" and is forgotten.
        var sessionId = Secrets.RandomToken(16);
        _sessions.Add(new UserSessionEntry(sessionId, now, policy.AbsoluteLifetimeSeconds > 0 ? now.AddSeconds(policy.AbsoluteLifetimeSeconds) : null));

        // The tenant version as of now, not as of the start: evictions may have awaited meanwhile,
        // and a logout-all that returned since must not cover this session.
        var version = (await tenants.GetAsync(Key.TenantId)).Version;
        var tokens = await Session(sessionId).Open(new SessionOpening(
            signIn, policy.IdleTimeoutSeconds, policy.AbsoluteLifetimeSeconds, policy.RefreshReuseGraceSeconds,
            now, GrainKeys.ShardOf(Key.UserId, tenant.SessionTableShards), version));
        return new SignInResult(tokens, null);
    }

    public async Task<int> EndAll(EndReason reason, string? microtenantId = null)
    {
        var listed = _sessions.ToArray();
        var outcomes = await Task.WhenAll(listed.Select(s => Session(s.SessionId).End(reason, microtenantId)));

        // A session of another microtenant was left alone: it is still live, and still counts
        // against the user's session limit.
        _sessions.Clear();
        _sessions.AddRange(listed.Where((_, i) => outcomes[i] == EndOutcome.Forbidden));
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
        _sessions.RemoveAll(s => s.SessionId == sessionId);
        return Task.CompletedTask;
    }

    /// <summary>Asks every listed session where it stands and forgets those that ended.</summary>
    private async Task PruneEndedAsync()
    {
        var statuses = await Task.WhenAll(_sessions.Select(s => Session(s.SessionId).GetStatus()));
        var ended = _sessions.Where((_, i) => statuses[i] != SessionStatus.Active).ToHashSet();
        _sessions.RemoveAll(ended.Contains);
    }

    private ISessionGrain Session(string sessionId) =>
        GrainFactory.GetGrain<ISessionGrain>(GrainKeys.Session(Key.TenantId, sessionId));
}
