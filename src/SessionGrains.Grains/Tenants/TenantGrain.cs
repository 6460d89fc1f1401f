using SessionGrains.BackchannelLogout;
using SessionGrains.Grains.Caching;
using SessionGrains.Grains.Security;
using SessionGrains.Tenants;

namespace SessionGrains.Grains.Tenants;

/// <inheritdoc cref="ITenantGrain"/>
internal sealed class TenantGrain(
    [PersistentState("tenant", StorageNames.Default)] IPersistentState<TenantState> state,
    TenantBroadcast broadcast,
    [FromKeyedServices(Clock.Key)] TimeProvider time) : Grain, ITenantGrain, IIncomingGrainCallFilter
{
    /// <summary>The silos this activation lent the snapshot to whose lease may still run.</summary>
    private readonly LeaseHolders _holders = broadcast.NewLeaseHolders();

    /// <summary>
    /// The newest logout-all whose back-channel logout notices the queue has confirmed queued (0
    /// after activation: the first nudge asks). While it lags the markers, every lease nudges again.
    /// </summary>
    private long _logoutNoticesQueuedThrough;

    private bool _nudging;

    private string TenantId => this.GetPrimaryKeyString();

    /// <summary>
    /// Around every call: a tenant that does not exist keeps no activation. Anyone can name one (a
    /// made-up key, the operator's typo), so each such call costs one storage read and nothing that stays.
    /// </summary>
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        try
        {
            await context.Invoke();
        }
        finally
        {
            if (!state.State.Created)
            {
                DeactivateOnIdle();
            }
        }
    }

    public async Task<TenantInfo?> Create(string name, int sessionTableShards)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(sessionTableShards, 1);
        if (state.State.Created)
        {
            return null;
        }

        // The directory first: a tenant that exists is then always listed, even after a crash here.
        await GrainFactory.GetGrain<ITenantDirectoryGrain>(ITenantDirectoryGrain.Key).Add(TenantId);
        state.State.Created = true;
        state.State.Name = name;
        state.State.CreatedAt = time.GetUtcNow();
        state.State.SessionTableShards = sessionTableShards;
        await CommitAsync();
        return Info();
    }

    public Task<TenantInfo?> Get() => Task.FromResult(state.State.Created ? Info() : null);

    public Task<TenantSnapshot> GetSnapshot() => Task.FromResult(Snapshot());

    public Task<TenantSnapshot> Lease(SiloAddress holder)
    {
        _holders.Leased(holder);
        NudgeLogoutNotices();
        return Task.FromResult(Snapshot());
    }

    public async Task<TenantPolicy?> SetPolicy(TenantPolicy policy)
    {
        if (!state.State.Created)
        {
            return null;
        }

        // A policy set without a cookie name (a client older than the setting) keeps the one stored.
        policy = policy.SessionCookieName is null ? policy with { SessionCookieName = state.State.Policy.SessionCookieName } : policy;
        state.State.Policy = policy;
        await CommitAsync();
        return policy;
    }

    public async Task<CreatedApiKey?> CreateApiKey(string name, ApiKeyRole role, string? microtenantId)
    {
        if (!state.State.Created)
        {
            return null;
        }

        // The last line of defence: a key stored here is trusted by every silo with its scope.
        if (ApiKeyScope.Refusal(role, microtenantId) is { } refusal)
        {
            throw new ArgumentException($"microtenantId {refusal}", nameof(microtenantId));
        }

        if (microtenantId is not null && !state.State.Microtenants.ContainsKey(microtenantId))
        {
            throw new ArgumentException($"Tenant '{TenantId}' has no microtenant '{microtenantId}'.", nameof(microtenantId));
        }

        var secret = BearerSecret.New(SecretKind.ApiKey, TenantId, Secrets.RandomToken(12));
        var info = new ApiKeyInfo(secret.Id, name, role, microtenantId, time.GetUtcNow());
        state.State.Keys[info.KeyId] = new ApiKeyRecord(info, secret.Hash());
        await CommitAsync();
        return new CreatedApiKey(info, secret.Encode());
    }

    public Task<IReadOnlyList<ApiKeyInfo>> ListApiKeys() =>
        Task.FromResult<IReadOnlyList<ApiKeyInfo>>(state.State.Keys.Values
            .Select(k => k.Info)
            .OrderBy(k => k.CreatedAt)
            .ThenBy(k => k.KeyId, StringComparer.Ordinal)
            .ToList());

    public async Task<DateTimeOffset?> LogoutAll(string? clientId)
    {
        if (!state.State.Created)
        {
            return null;
        }

        var markers = state.State.LogoutAlls;
        if (markers.Count >= LogoutAllRule.MaxHeld)
        {
            // Older markers are still waiting for their sessions to store their ends; dropping one
            // now could bring those sessions back. Refused for now (a 503 with Retry-After).
            Compaction().Compact().Ignore();
            throw new TimeoutException($"Tenant {TenantId} holds {markers.Count} logout-alls; try again once older ones are compacted.");
        }

        // Written at the version this change commits as (CommitAsync counts it): a sign-in under
        // that version or a later one started after every silo held the marker, so it is not covered.
        var marker = LogoutAllRule.Append(markers, clientId, time.GetUtcNow(), state.State.Version + 1);

        // Once every silo holds the new snapshot, every session grain and shard sees the marker:
        // no session is visited, whatever the tenant's size.
        await CommitAsync();
        if (markers.Count > LogoutAllRule.MaxKept)
        {
            Compaction().Compact().Ignore();
        }

        NudgeLogoutNotices();
        return marker.NotBefore;
    }

    /// <summary>
    /// Has the tenant's logout-alls queued for back-channel logout, beside this grain (the caller
    /// does not wait for it), when some is not confirmed yet and no nudge is under way.
    /// </summary>
    private void NudgeLogoutNotices()
    {
        if (!_nudging && NewestLogoutAll() > _logoutNoticesQueuedThrough)
        {
            _nudging = true;
            _ = NudgeLogoutNoticesAsync();
        }
    }

    private async Task NudgeLogoutNoticesAsync()
    {
        try
        {
            // A logout-all during the call is taken by the next round; a few rounds, then the next lease.
            for (var round = 0; round < 4 && NewestLogoutAll() > _logoutNoticesQueuedThrough; round++)
            {
                var queued = await GrainFactory.GetGrain<IBackchannelLogoutAllGrain>(TenantId).CatchUp();
                _logoutNoticesQueuedThrough = Math.Max(_logoutNoticesQueuedThrough, queued);
            }
        }
        catch (Exception)
        {
            // Still unconfirmed: the next lease this grain hands out nudges again.
        }
        finally
        {
            _nudging = false;
        }
    }

    private long NewestLogoutAll() => state.State.LogoutAlls.Count > 0 ? state.State.LogoutAlls[^1].Version : 0;

    public async Task<bool> ForgetLogoutAll(LogoutAllMarker marker)
    {
        var markers = state.State.LogoutAlls;
        if (markers.Count <= LogoutAllRule.MaxKept || markers[0] != marker)
        {
            return false;
        }

        markers.RemoveAt(0);
        await CommitAsync();
        return true;
    }

    public async Task<bool?> CreateMicrotenant(string microtenantId, string name)
    {
        if (!state.State.Created)
        {
            return null;
        }

        if (state.State.Microtenants.ContainsKey(microtenantId))
        {
            return false;
        }

        state.State.Microtenants[microtenantId] = new MicrotenantInfo(microtenantId, name, time.GetUtcNow());
        await CommitAsync();
        return true;
    }

    public Task<IReadOnlyList<MicrotenantInfo>> ListMicrotenants() => Task.FromResult<IReadOnlyList<MicrotenantInfo>>(
        state.State.Microtenants.Values.OrderBy(m => m.MicrotenantId, StringComparer.Ordinal).ToList());

    public async Task<bool> DeleteApiKey(string keyId)
    {
        if (!state.State.Keys.Remove(keyId))
        {
            return false;
        }

        await CommitAsync();
        return true;
    }

    private ILogoutAllCompactionGrain Compaction() => GrainFactory.GetGrain<ILogoutAllCompactionGrain>(TenantId);

    /// <summary>
    /// Stores the change, then waits until no silo can serve the state before it. A change whose
    /// write failed is forgotten with the activation, never pushed: nothing sees it.
    /// </summary>
    private async Task CommitAsync()
    {
        state.State.Version++;
        await state.WriteOrForgetAsync(this);
        await broadcast.PublishAsync(Snapshot(), _holders.Current());
    }

    private TenantInfo Info() => new(TenantId, state.State.Name, state.State.CreatedAt, state.State.Policy, state.State.SessionTableShards);

    private TenantSnapshot Snapshot() => !state.State.Created
        ? TenantSnapshot.Missing(TenantId)
        : new TenantSnapshot(
            TenantId,
            state.State.Version,
            true,
            state.State.Policy,
            state.State.Keys.Values.ToDictionary(
                k => k.Info.KeyId,
                k => new ApiKeyCredential(k.Info.KeyId, k.SecretHash, k.Info.Role, k.Info.MicrotenantId, k.Info.Name),
                StringComparer.Ordinal),
            state.State.SessionTableShards,
            state.State.LogoutAlls.ToArray(),
            state.State.Microtenants.Keys.ToHashSet(StringComparer.Ordinal));
}
