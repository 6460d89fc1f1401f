using Microsoft.Extensions.Logging;
using SessionGrains.Clients;
using SessionGrains.Grains.BackchannelLogout;
using SessionGrains.Grains.Caching;
using SessionGrains.Grains.Security;
using SessionGrains.Grains.Telemetry;
using SessionGrains.SessionTable;
using SessionGrains.Sessions;
using SessionGrains.Tenants;
using SessionGrains.Users;

namespace SessionGrains.Grains.Sessions;

/// <inheritdoc cref="ISessionGrain"/>
[CollectionAgeLimit(Minutes = 5)]
internal sealed partial class SessionGrain(
    [PersistentState("session", StorageNames.SessionTable)] IPersistentState<SessionState> state,
    TenantCache tenants,
    [FromKeyedServices(Clock.Key)] TimeProvider time,
    SessionGrainsMetrics metrics,
    ILogger<SessionGrain> logger) : Grain, ISessionGrain
{
    private IGrainTimer? _activityFlush;

    /// <summary>Last activity in memory is newer than the stored one.</summary>
    private bool _activityDirty;

    /// <summary>
    /// Idle grace while the last activity is the stored one, which may lag the real one by up to
    /// <see cref="ActivityWriteBehind.MaxLag"/> when a crash lost the write-behind: the grain then
    /// gives what the shards give, so a session in use does not come back expired and the table
    /// agrees with the grain. Zero from the session's first activity in this activation.
    /// </summary>
    private TimeSpan _idleGrace;

    private SessionState S => state.State;

    private (string TenantId, string SessionId) Key => GrainKeys.Split(this.GetPrimaryKeyString());

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        if (S.Opened)
        {
            _idleGrace = ActivityWriteBehind.MaxLag;
        }

        return Task.CompletedTask;
    }

    public async Task<SessionTokens> Open(SessionOpening opening)
    {
        if (S.Opened)
        {
            // The same sign-in again, and no refresh since: its first answer was lost on the way
            // (a silo left mid-call), so nobody holds those tokens. New ones, same session.
            if (S.SignIn == opening.SignIn && S.Status == SessionStatus.Active && S.LastRefreshAt is null)
            {
                var reissued = IssueTokens();
                await WriteAsync();
                return reissued;
            }

            throw new InvalidOperationException("A session is opened once.");
        }

        S.Opened = true;
        S.SignIn = opening.SignIn;
        S.Shard = opening.Shard;
        S.TenantVersion = opening.TenantVersion;
        S.CreatedAt = opening.CreatedAt;
        S.LastActivity = opening.CreatedAt;
        S.ExpiresAt = opening.AbsoluteLifetimeSeconds > 0 ? opening.CreatedAt.AddSeconds(opening.AbsoluteLifetimeSeconds) : null;
        S.IdleTimeoutSeconds = opening.IdleTimeoutSeconds;
        S.RefreshReuseGraceSeconds = opening.RefreshReuseGraceSeconds;
        S.Status = SessionStatus.Active;
        var tokens = IssueTokens();
        await WriteAsync();
        return tokens;
    }

    public async Task<ValidationResult> Validate(byte[] tokenHash, string? microtenantId = null)
    {
        var result = await ValidateAsync(tokenHash, microtenantId);
        metrics.Validated(result.Reason);
        return result;
    }

    private async Task<ValidationResult> ValidateAsync(byte[] tokenHash, string? microtenantId)
    {
        if (!S.Opened || !InScope(microtenantId) || !Secrets.HashesEqual(tokenHash, S.TokenHash))
        {
            return ValidationResult.Inactive(InactiveReason.Unknown);
        }

        if (!await IsActiveAsync())
        {
            return ValidationResult.Inactive(S.Status == SessionStatus.Expired ? InactiveReason.Expired : InactiveReason.Terminated);
        }

        if (S.RenewalRequired)
        {
            // The token is the session's, but it stands for claims that have changed.
            return ValidationResult.Inactive(InactiveReason.RenewalRequired);
        }

        Touch();
        return Described();
    }

    /// <summary>The active answer for this session's current tokens.</summary>
    private ValidationResult Described() => new(
        true, null, Key.SessionId, S.SignIn.UserId, S.SignIn.UserEmail, S.SignIn.MicrotenantId,
        S.SignIn.ClientId, S.SignIn.ClaimsJson, S.ExpiresAt, IdleExpiresAt(), S.LastRefreshAt ?? S.CreatedAt);

    public async Task<bool> Logout(byte[] tokenHash, string? microtenantId = null)
    {
        if (!S.Opened || !InScope(microtenantId) || !Secrets.HashesEqual(tokenHash, S.TokenHash) || !await IsActiveAsync())
        {
            return false;
        }

        await EndAsync(EndReason.UserLogout);
        return true;
    }

    public async Task<EndOutcome> End(EndReason reason, string? microtenantId = null, Audit.AuditRecord? audit = null)
    {
        if (!S.Opened)
        {
            return EndOutcome.NotFound;
        }

        if (!InScope(microtenantId))
        {
            return EndOutcome.Forbidden;
        }

        if (!await IsActiveAsync())
        {
            return EndOutcome.NotActive;
        }

        await EndAsync(reason, audit: audit);
        return EndOutcome.Terminated;
    }

    public async Task<RenewOutcome> Renew(string? claimsJson, string? microtenantId = null)
    {
        if (!S.Opened)
        {
            return RenewOutcome.NotFound;
        }

        if (!InScope(microtenantId))
        {
            return RenewOutcome.Forbidden;
        }

        if (!await IsActiveAsync())
        {
            return RenewOutcome.NotActive;
        }

        S.RenewalRequired = true;
        if (claimsJson is not null)
        {
            S.SignIn = S.SignIn with { ClaimsJson = claimsJson };
        }

        // Durable before the answer: once renew has returned, no silo validates the old token.
        await WriteAsync();
        return RenewOutcome.Renewed;
    }

    public async Task<SessionStatus?> GetStatus()
    {
        if (!S.Opened)
        {
            return null;
        }

        await IsActiveAsync();
        return S.Status;
    }

    public async Task<SessionDetails?> GetDetails()
    {
        if (!S.Opened)
        {
            return null;
        }

        await IsActiveAsync();
        return new SessionDetails(
            Row(), S.SignIn.Device, S.SignIn.ClaimsJson, S.LastRefreshAt, S.RefreshCount,
            S.Status == SessionStatus.Active ? IdleExpiresAt() : null, S.RenewalRequired);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        _signingKey?.Dispose();
        _signingKey = null;
        CancelActivityFlush();
        if (_activityDirty && S.Opened && S.Status == SessionStatus.Active)
        {
            await WriteAsync();
        }
    }

    /// <summary>True for an unscoped caller, or one scoped to this session's microtenant.</summary>
    private bool InScope(string? microtenantId) => microtenantId is null || S.SignIn.MicrotenantId == microtenantId;

    private DateTimeOffset? IdleExpiresAt() => SessionClock.IdleExpiresAt(S.LastActivity + _idleGrace, S.IdleTimeoutSeconds, S.ExpiresAt);

    /// <summary>
    /// Applies the clock and the tenant's logout-all on access: there is no timer per session. A
    /// session found past a deadline is stored as ended at the deadline it passed.
    /// </summary>
    private async ValueTask<bool> IsActiveAsync()
    {
        if (S.Status != SessionStatus.Active)
        {
            return false;
        }

        var tenant = await tenants.GetAsync(Key.TenantId);
        var due = SessionClock.Due(
            time.GetUtcNow(), S.LastActivity, S.IdleTimeoutSeconds, S.ExpiresAt,
            LogoutAllRule.EndOf(tenant.LogoutAlls, S.SignIn.ClientId, S.CreatedAt.UtcTicks, S.TenantVersion), _idleGrace);
        if (due is not { } ending)
        {
            return true;
        }

        try
        {
            await EndAsync(ending.Reason, ending.Status, ending.At);
        }
        catch (ChangeNotStoredException)
        {
            // The deadline has passed whatever storage holds: the session is over for this call,
            // and the next activation finds the deadline passed again and stores the end then.
        }

        return false;
    }

    private async Task EndAsync(EndReason reason, SessionStatus status = SessionStatus.Terminated, DateTimeOffset? at = null, Audit.AuditRecord? audit = null)
    {
        // Before anything changes: an end whose client cannot be looked up is not stored at all.
        var notice = await LogoutNoticeAsync();
        S.Status = status;
        S.EndedAt = at ?? time.GetUtcNow();
        S.EndReason = reason;
        CancelActivityFlush();
        S.PendingAudit = audit;
        S.PendingLogout = notice;
        try
        {
            await WriteAsync();
        }
        finally
        {
            S.PendingAudit = null;
            S.PendingLogout = null;
        }

        metrics.Ended(reason);
        GrainFactory.GetGrain<IUserGrain>(GrainKeys.User(Key.TenantId, S.SignIn.UserId)).SessionEnded(Key.SessionId).Ignore();
    }

    /// <summary>
    /// The back-channel logout notice this end leaves, when the session's client has a
    /// back-channel logout URI now: it is stored with the end, so an end that was stored always has it.
    /// </summary>
    private async Task<LogoutNotice?> LogoutNoticeAsync()
    {
        RegisteredClient? client;
        try
        {
            client = await GrainFactory.GetGrain<IClientRegistryGrain>(Key.TenantId).Get(S.SignIn.ClientId);
        }
        catch (Exception ex) when (ex is not ChangeNotStoredException)
        {
            // Without the client's URI the end would lose its notice; it is not made now, and the
            // caller retries (503), or the next access finds the deadline passed again.
            throw new ChangeNotStoredException($"The client registry of tenant {Key.TenantId} did not answer; the end is not stored.", ex);
        }

        return client?.Registration.BackchannelLogoutUri is { } uri ? new LogoutNotice(S.SignIn.ClientId, S.SignIn.UserId, uri, time.GetUtcNow()) : null;
    }

    /// <summary>
    /// Stores the session's row, then tells its session table shard. The row is the truth: a shard that
    /// misses the update (its silo died) reloads the row when it comes back.
    /// </summary>
    private async Task WriteAsync()
    {
        await state.WriteOrForgetAsync(this);
        _activityDirty = false;

        var summary = Row();
        var shard = GrainFactory.GetGrain<ISessionTableShardGrain>(GrainKeys.Shard(Key.TenantId, S.Shard));
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await shard.Apply(summary);
                return;
            }
            catch (Exception ex) when (attempt < 3)
            {
                // Most often the shard's silo just died; the next attempt activates it elsewhere,
                // where it loads this row anyway.
                LogShardUpdateRetried(ex, Key.TenantId, S.Shard, attempt);
            }
            catch (Exception ex)
            {
                LogShardUpdateFailed(ex, Key.TenantId, S.Shard);
                return;
            }
        }
    }

    /// <summary>The session's row of the session table, as last stored.</summary>
    private SessionRow Row() => S.ToRow(Key.SessionId, S.RowVersion);

    /// <summary>Records activity in memory and schedules one coalesced write of it (<see cref="ActivityWriteBehind"/>).</summary>
    private void Touch()
    {
        S.LastActivity = time.GetUtcNow();
        _idleGrace = TimeSpan.Zero;
        _activityDirty = true;
        _activityFlush ??= this.RegisterGrainTimer(
            FlushActivityAsync, ActivityWriteBehind.NextDelay(), Timeout.InfiniteTimeSpan);
    }

    private async Task FlushActivityAsync(CancellationToken cancellationToken)
    {
        CancelActivityFlush();
        if (!_activityDirty || S.Status != SessionStatus.Active)
        {
            return;
        }

        try
        {
            await WriteAsync();
        }
        catch (Exception) when (cancellationToken.IsCancellationRequested)
        {
            // The silo is stopping: the deactivation that follows writes the activity instead.
        }
    }

    private void CancelActivityFlush()
    {
        _activityFlush?.Dispose();
        _activityFlush = null;
    }

    [LoggerMessage(LogLevel.Information, "Session stored; telling session table shard {TenantId}/{Shard} failed (attempt {Attempt}), trying again.")]
    private partial void LogShardUpdateRetried(Exception ex, string tenantId, int shard, int attempt);

    [LoggerMessage(LogLevel.Warning, "Session stored, but session table shard {TenantId}/{Shard} was not told; it catches up when it reloads.")]
    private partial void LogShardUpdateFailed(Exception ex, string tenantId, int shard);
}
