using SessionGrains.Grains.Security;
using SessionGrains.Sessions;
using SessionGrains.Users;

namespace SessionGrains.Grains.Sessions;

/// <inheritdoc cref="ISessionGrain"/>
[CollectionAgeLimit(Minutes = 5)]
internal sealed class SessionGrain(
    [PersistentState("session", StorageNames.Default)] IPersistentState<SessionState> state,
    [FromKeyedServices(Clock.Key)] TimeProvider time) : Grain, ISessionGrain
{
    /// <summary>
    /// How long a new last-activity time may wait in memory before it is stored. A crash loses at
    /// most this much activity, which can only make a session look idle a little early.
    /// </summary>
    public static readonly TimeSpan ActivityFlushDelay = TimeSpan.FromSeconds(30);

    /// <summary>How many rotated-away refresh tokens are remembered to detect their reuse.</summary>
    private const int RotatedTokensKept = 32;

    private IGrainTimer? _activityFlush;

    private SessionState S => state.State;

    private (string TenantId, string SessionId) Key => GrainKeys.Split(this.GetPrimaryKeyString());

    public async Task<SessionTokens> Open(SessionOpening opening)
    {
        if (S.Opened)
        {
            throw new InvalidOperationException("A session is opened once.");
        }

        var now = time.GetUtcNow();
        S.Opened = true;
        S.SignIn = opening.SignIn;
        S.CreatedAt = now;
        S.LastActivity = now;
        S.ExpiresAt = opening.AbsoluteLifetimeSeconds > 0 ? now.AddSeconds(opening.AbsoluteLifetimeSeconds) : null;
        S.IdleTimeoutSeconds = opening.IdleTimeoutSeconds;
        S.RefreshReuseGraceSeconds = opening.RefreshReuseGraceSeconds;
        S.Status = SessionStatus.Active;
        var tokens = IssueTokens();
        await state.WriteStateAsync();
        return tokens;
    }

    public async Task<ValidationResult> Validate(byte[] tokenHash)
    {
        if (!S.Opened || !Secrets.HashesEqual(tokenHash, S.TokenHash))
        {
            return ValidationResult.Inactive(InactiveReason.Unknown);
        }

        if (!await IsActiveAsync())
        {
            return ValidationResult.Inactive(S.Status == SessionStatus.Expired ? InactiveReason.Expired : InactiveReason.Terminated);
        }

        Touch();
        return new ValidationResult(
            true, null, Key.SessionId, S.SignIn.UserId, S.SignIn.UserEmail, S.SignIn.MicrotenantId,
            S.SignIn.ClientId, S.SignIn.ClaimsJson, S.ExpiresAt, IdleExpiresAt());
    }

    public async Task<RefreshResult> Refresh(byte[] refreshTokenHash)
    {
        if (!S.Opened || !await IsActiveAsync())
        {
            return new RefreshResult(null, RefreshError.InvalidRefreshToken);
        }

        if (!Secrets.HashesEqual(refreshTokenHash, S.RefreshTokenHash))
        {
            var rotated = S.RotatedRefreshTokens.FirstOrDefault(r => Secrets.HashesEqual(refreshTokenHash, r.Hash));
            if (rotated is null)
            {
                return new RefreshResult(null, RefreshError.InvalidRefreshToken);
            }

            var grace = TimeSpan.FromSeconds(S.RefreshReuseGraceSeconds);
            if (time.GetUtcNow() - rotated.RotatedAt >= grace)
            {
                // A rotated-away token presented again means two parties hold it: end the session.
                await EndAsync(EndReason.TokenReuse);
                return new RefreshResult(null, RefreshError.RefreshTokenReused);
            }
        }

        var now = time.GetUtcNow();
        S.RotatedRefreshTokens.Add(new RotatedRefreshToken(S.RefreshTokenHash, now));
        if (S.RotatedRefreshTokens.Count > RotatedTokensKept)
        {
            S.RotatedRefreshTokens.RemoveAt(0);
        }

        S.LastActivity = now;
        S.LastRefreshAt = now;
        S.RefreshCount++;
        var tokens = IssueTokens();
        await state.WriteStateAsync();
        return new RefreshResult(tokens, null);
    }

    public async Task<bool> Logout(byte[] tokenHash)
    {
        if (!S.Opened || !Secrets.HashesEqual(tokenHash, S.TokenHash) || !await IsActiveAsync())
        {
            return false;
        }

        await EndAsync(EndReason.UserLogout);
        return true;
    }

    public async Task<EndOutcome> End(EndReason reason)
    {
        if (!S.Opened)
        {
            return EndOutcome.NotFound;
        }

        if (!await IsActiveAsync())
        {
            return EndOutcome.NotActive;
        }

        await EndAsync(reason);
        return EndOutcome.Terminated;
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
        var (tenantId, sessionId) = Key;
        return new SessionDetails(
            tenantId, sessionId, S.SignIn, S.Status, S.CreatedAt, S.LastActivity, S.ExpiresAt,
            S.Status == SessionStatus.Active ? IdleExpiresAt() : null, S.EndedAt, S.EndReason,
            S.LastRefreshAt, S.RefreshCount);
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_activityFlush is not null && S.Opened)
        {
            await state.WriteStateAsync(cancellationToken);
        }
    }

    /// <summary>New access and refresh tokens; only their hashes are kept.</summary>
    private SessionTokens IssueTokens()
    {
        var (tenantId, sessionId) = Key;
        var token = BearerSecret.New(SecretKind.AccessToken, tenantId, sessionId);
        var refresh = BearerSecret.New(SecretKind.RefreshToken, tenantId, sessionId);
        S.TokenHash = token.Hash();
        S.RefreshTokenHash = refresh.Hash();
        return new SessionTokens(sessionId, token.Encode(), refresh.Encode(), S.ExpiresAt, IdleExpiresAt());
    }

    private DateTimeOffset? IdleExpiresAt()
    {
        if (S.IdleTimeoutSeconds <= 0)
        {
            return S.ExpiresAt;
        }

        var idle = S.LastActivity.AddSeconds(S.IdleTimeoutSeconds);
        return S.ExpiresAt is { } absolute && absolute < idle ? absolute : idle;
    }

    /// <summary>
    /// Applies expiry on access: there is no timer per session. A session found past its idle or
    /// absolute deadline is stored as expired at the deadline it passed.
    /// </summary>
    private async ValueTask<bool> IsActiveAsync()
    {
        if (S.Status != SessionStatus.Active)
        {
            return false;
        }

        var now = time.GetUtcNow();
        var idleDeadline = S.IdleTimeoutSeconds > 0 ? S.LastActivity.AddSeconds(S.IdleTimeoutSeconds) : (DateTimeOffset?)null;
        var (deadline, reason) = (idleDeadline, S.ExpiresAt) switch
        {
            ({ } idle, { } absolute) when absolute <= idle => (absolute, EndReason.MaxLifetime),
            ({ } idle, _) => (idle, EndReason.IdleTimeout),
            (null, { } absolute) => (absolute, EndReason.MaxLifetime),
            _ => (DateTimeOffset.MaxValue, EndReason.MaxLifetime),
        };

        if (now < deadline)
        {
            return true;
        }

        await EndAsync(reason, SessionStatus.Expired, deadline);
        return false;
    }

    private async Task EndAsync(EndReason reason, SessionStatus status = SessionStatus.Terminated, DateTimeOffset? at = null)
    {
        S.Status = status;
        S.EndedAt = at ?? time.GetUtcNow();
        S.EndReason = reason;
        try
        {
            await state.WriteStateAsync();
        }
        catch
        {
            // Memory says ended but storage may not: drop this activation so the next call reads storage.
            DeactivateOnIdle();
            throw;
        }

        CancelActivityFlush();
        GrainFactory.GetGrain<IUserGrain>(GrainKeys.User(Key.TenantId, S.SignIn.UserId)).SessionEnded(Key.SessionId).Ignore();
    }

    /// <summary>Records activity in memory and schedules one coalesced write of it.</summary>
    private void Touch()
    {
        S.LastActivity = time.GetUtcNow();
        _activityFlush ??= this.RegisterGrainTimer(FlushActivityAsync, ActivityFlushDelay, Timeout.InfiniteTimeSpan);
    }

    private async Task FlushActivityAsync(CancellationToken cancellationToken)
    {
        CancelActivityFlush();
        if (S.Status == SessionStatus.Active)
        {
            await state.WriteStateAsync(cancellationToken);
        }
    }

    private void CancelActivityFlush()
    {
        _activityFlush?.Dispose();
        _activityFlush = null;
    }
}
