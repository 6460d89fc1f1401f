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
        var tokens = await Session(sessionId).Open(new SessionOpening(
            signIn, policy.IdleTimeoutSeconds, policy.AbsoluteLifetimeSeconds, policy.RefreshReuseGraceSeconds,
            now, GrainKeys.ShardOf(Key.UserId, tenant.SessionTableShards)));
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
        var before = Listed();
        var entry = new DenylistEntry(Key.UserId, reason, time.GetUtcNow());
        await Denylists().Add(entry);
        state.State.Denylisted = true;
        state.State.DenylistReason = reason;
        state.State.DenylistedAt = entry.CreatedAt;
        try
        {
            await state.WriteOrForgetAsync(this);
        }
        catch (ChangeNotStoredException)
        {
            // The user is not denylisted; nor may the list say so.
            await RestoreListingAsync(before);
            throw;
        }

        return await EndAll(EndReason.Denylisted);
    }

    public async Task<bool> RemoveFromDenylist()
    {
        var before = Listed();
        state.State.Denylisted = false;
        state.State.DenylistReason = null;
        state.State.DenylistedAt = null;
        await state.WriteOrForgetAsync(this);
        bool listed;
        try
        {
            listed = await Denylists().Remove(Key.UserId);
        }
        catch (ChangeNotStoredException) when (before is not null)
        {
            // Still listed, so denylisted again: the failed call changes nothing. Should this write
            // fail too, the user is listed but may sign in, which the next removal sets right.
            state.State.Denylisted = true;
            state.State.DenylistReason = before.Reason;
            state.State.DenylistedAt = before.CreatedAt;
            await state.WriteOrForgetAsync(this);
            throw;
        }

        return before is not null || listed;
    }

    /// <summary>This user's entry of the tenant's denylist as this grain stores it; null when not denylisted.</summary>
    private DenylistEntry? Listed() => state.State.Denylisted
        ? new DenylistEntry(Key.UserId, state.State.DenylistReason, state.State.DenylistedAt ?? default)
        : null;

    /// <summary>Puts back the user's entry of the denylist as it was before a change that failed.</summary>
    private Task RestoreListingAsync(DenylistEntry? before) =>
        before is null ? Denylists().Remove(Key.UserId) : Denylists().Add(before);

    private ITenantDenylistGrain Denylists() => GrainFactory.GetGrain<ITenantDenylistGrain>(Key.TenantId);

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
