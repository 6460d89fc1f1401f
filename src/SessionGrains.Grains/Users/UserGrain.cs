using SessionGrains.Grains.Caching;
using SessionGrains.Grains.Security;
using SessionGrains.Grains.Sessions;
using SessionGrains.Grains.Telemetry;
using SessionGrains.SessionTable;
using SessionGrains.Sessions;
using SessionGrains.Tenants;
using SessionGrains.Users;

namespace SessionGrains.Grains.Users;

/// <inheritdoc cref="IUserGrain"/>
internal sealed class UserGrain(
    [PersistentState("user", StorageNames.Default)] IPersistentState<UserState> state,
    TenantCache tenants,
    [FromKeyedServices(Clock.Key)] TimeProvider time,
    SessionGrainsMetrics metrics) : Grain, IUserGrain
{
    /// <summary>
    /// Beyond the shards' own idle grace, how long past a listed idle deadline the grain still
    /// treats the session as possibly live: room for an activity write that is on its way to storage.
    /// </summary>
    private static readonly TimeSpan IdlePruneMargin = TimeSpan.FromSeconds(5);

    /// <summary>Sessions that may be live, oldest first; ended ones are pruned lazily.</summary>
    private readonly List<UserSessionEntry> _sessions = [];

    private (string TenantId, string UserId) Key => GrainKeys.Split(this.GetPrimaryKeyString());

    /// <summary>
    /// Reads the user's live sessions from its shard of the session table, which is rebuilt from
    /// the stored rows; since every sign-in of the user runs in this grain, the list stays whole.
    /// </summary>
    public override Task OnActivateAsync(CancellationToken cancellationToken) => ReconcileWithShardAsync(catchUp: false);

    public async Task<SignInResult> SignIn(string sessionId, SignIn signIn)
    {
        var result = await SignInAsync(sessionId, signIn);
        metrics.SignedIn(result.Error);
        return result;
    }

    private async Task<SignInResult> SignInAsync(string sessionId, SignIn signIn)
    {
        if (state.State.Denylisted)
        {
            return new SignInResult(null, SignInError.UserDenylisted);
        }

        var tenant = await tenants.GetAsync(Key.TenantId);
        var policy = tenant.Policy;
        var now = time.GetUtcNow();
        _sessions.RemoveAll(s => s.ExpiresAt <= now);

        // The limit counts the sessions of the sign-in's own scope (its microtenant, or the tenant
        // level): no sign-in counts, blocks or evicts a session of another microtenant.
        var scope = signIn.MicrotenantId;
        var again = _sessions.Any(s => s.SessionId == sessionId);
        if (!again && policy.MaxSessionsPerUser > 0 && InScope(scope).Count() >= policy.MaxSessionsPerUser)
        {
            await PruneEndedAsync(scope);
            var inScope = InScope(scope).ToList();
            var excess = inScope.Count - policy.MaxSessionsPerUser + 1;
            if (excess > 0)
            {
                if (policy.OnSessionLimit == SessionLimitAction.Deny)
                {
                    return new SignInResult(null, SignInError.SessionLimitReached);
                }

                foreach (var oldest in inScope.Take(excess))
                {
                    await Session(oldest.SessionId).End(EndReason.Evicted);
                    _sessions.Remove(oldest);
                }
            }
        }

        // Listed before it opens: should the open fail after its row was stored, this user still
        // ends it on logout; an id that never opened answers "not found" and is forgotten.
        // A sign-in sent again (its answer was lost) is already listed and already counted.
        if (!again)
        {
            _sessions.Add(new UserSessionEntry(
                sessionId, now, policy.AbsoluteLifetimeSeconds > 0 ? now.AddSeconds(policy.AbsoluteLifetimeSeconds) : null, scope));
        }

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
        // The shard first reads what was stored since it last looked, so a session whose shard
        // was never told (and that this activation never saw) is ended too; and sessions it lists
        // as idled out are not called one by one.
        await ReconcileWithShardAsync(catchUp: true);
        var listed = _sessions.Where(s => microtenantId is null || s.MicrotenantId == microtenantId).ToArray();
        var outcomes = await Task.WhenAll(listed.Select(s => Session(s.SessionId).End(reason, microtenantId)));

        // A session of another microtenant was left alone: it is still live, and still counts
        // against the user's session limit.
        var done = listed.Where((_, i) => outcomes[i] != EndOutcome.Forbidden).ToHashSet();
        _sessions.RemoveAll(done.Contains);
        return outcomes.Count(o => o == EndOutcome.Terminated);
    }

    public async Task<int> RenewAll(string? claimsJson, string? microtenantId = null)
    {
        // As EndAll: the shard's list first, so a session this activation never saw is renewed too.
        await ReconcileWithShardAsync(catchUp: true);
        var listed = _sessions.Where(s => microtenantId is null || s.MicrotenantId == microtenantId).ToArray();
        var outcomes = await Task.WhenAll(listed.Select(s => Session(s.SessionId).Renew(claimsJson, microtenantId)));
        return outcomes.Count(o => o == RenewOutcome.Renewed);
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

    private IEnumerable<UserSessionEntry> InScope(string? microtenantId) => _sessions.Where(s => s.MicrotenantId == microtenantId);

    /// <summary>
    /// Forgets the sessions of one scope that have ended: first those the shard lists as ended,
    /// then, as the limit must be exact, asks each remaining one where it stands.
    /// </summary>
    private async Task PruneEndedAsync(string? microtenantId)
    {
        await ReconcileWithShardAsync(catchUp: false);
        var inScope = InScope(microtenantId).ToList();
        var statuses = await Task.WhenAll(inScope.Select(s => Session(s.SessionId).GetStatus()));
        var ended = inScope.Where((_, i) => statuses[i] != SessionStatus.Active).ToHashSet();
        _sessions.RemoveAll(ended.Contains);
    }

    /// <summary>
    /// Brings the list in line with the user's rows in the session table (one call to one shard;
    /// <paramref name="catchUp"/>: after the shard has read every row stored until now): adds the
    /// live sessions it lacks, and forgets those the table shows have ended. A session the table
    /// does not list is kept: it may be opening, and its grain answers for it.
    /// </summary>
    private async Task ReconcileWithShardAsync(bool catchUp)
    {
        var (tenantId, userId) = Key;
        var tenant = await tenants.GetAsync(tenantId);
        var shard = GrainFactory.GetGrain<ISessionTableShardGrain>(GrainKeys.Shard(tenantId, GrainKeys.ShardOf(userId, tenant.SessionTableShards)));
        if (catchUp)
        {
            await shard.CatchUp();
        }

        // With nothing listed yet (an activation) there is nothing to forget: live rows are enough.
        var now = time.GetUtcNow();
        var rows = await shard.Query(SessionQuery.Default with
        {
            UserId = userId, Status = _sessions.Count == 0 ? StatusFilter.Active : StatusFilter.All, Sort = SessionSortKey.CreatedAt, Descending = false, Take = int.MaxValue, AsOf = now,
        });
        var byId = rows.Items.ToDictionary(r => r.SessionId, StringComparer.Ordinal);
        _sessions.RemoveAll(s => byId.TryGetValue(s.SessionId, out var row) && EndedForSure(row, now));
        var known = _sessions.Select(s => s.SessionId).ToHashSet(StringComparer.Ordinal);
        var missing = rows.Items.Where(r => r.Status == SessionStatus.Active && !known.Contains(r.SessionId)).ToList();
        if (missing.Count > 0)
        {
            _sessions.AddRange(missing.Select(r => new UserSessionEntry(r.SessionId, r.CreatedAt, r.ExpiresAt, r.MicrotenantId)));
            _sessions.Sort((a, b) => a.CreatedAt.CompareTo(b.CreatedAt));
        }
    }

    /// <summary>
    /// A row the table shows ended. An idle end the shard computed from written-behind activity
    /// (it already allows <see cref="ActivityWriteBehind.MaxLag"/>) counts only a little later
    /// still, so an activity write still on its way cannot make a live session look dead.
    /// </summary>
    private static bool EndedForSure(SessionRow row, DateTimeOffset now) =>
        row.Status != SessionStatus.Active
        && (row.EndReason != EndReason.IdleTimeout || now >= row.EndedAt + ActivityWriteBehind.MaxLag + IdlePruneMargin);

    private ISessionGrain Session(string sessionId) =>
        GrainFactory.GetGrain<ISessionGrain>(GrainKeys.Session(Key.TenantId, sessionId));
}
