using SessionGrains.Grains.Security;
using SessionGrains.Grains.Sessions;
using SessionGrains.Sessions;
using SessionGrains.Tenants;
using SessionGrains.Tests.Infrastructure;
using SessionGrains.Users;

namespace SessionGrains.Tests.Grains;

/// <summary>The session rules, driven through the grains with the session clock under the test's control.</summary>
[Trait("Category", "Cluster")]
[Collection(GrainClusterCollection.Name)]
public sealed class SessionLifecycleGrainTests(GrainClusterFixture fixture)
{
    private readonly string _tenant = TestData.Id("t");

    private static TenantPolicy Policy(int idle = 1800, int absolute = 36000, int max = 0,
        SessionLimitAction onLimit = SessionLimitAction.Deny, int grace = 0) => new(idle, absolute, max, onLimit, grace);

    /// <summary>The tenant of this test, created on first use, with the policy given (a sign-in reads its tenant's policy).</summary>
    private async Task UsePolicyAsync(TenantPolicy policy)
    {
        var tenant = fixture.Grains.GetGrain<ITenantGrain>(_tenant);
        await tenant.Create("Acme", 4);
        await tenant.SetPolicy(policy);
    }

    private async Task<SessionTokens> SignInAsync(string userId, TenantPolicy policy)
    {
        await UsePolicyAsync(policy);
        var result = await fixture.Grains.GetGrain<IUserGrain>(GrainKeys.User(_tenant, userId)).SignIn(Secrets.NewSessionId(), TestData.SignIn(userId));
        Assert.Null(result.Error);
        return result.Tokens!;
    }

    private ISessionGrain Session(string sessionId) =>
        fixture.Grains.GetGrain<ISessionGrain>(GrainKeys.Session(_tenant, sessionId));

    private static byte[] HashOf(string token, SecretKind kind)
    {
        Assert.True(BearerSecret.TryParse(token, kind, out var secret));
        return secret.Hash();
    }

    private Task<ValidationResult> ValidateAsync(SessionTokens tokens, string? token = null) =>
        Session(tokens.SessionId).Validate(HashOf(token ?? tokens.Token, SecretKind.AccessToken));

    private Task<RefreshResult> RefreshAsync(string sessionId, string refreshToken) =>
        Session(sessionId).Refresh(TenantDriver.ProofOf(refreshToken));

    [Fact]
    public async Task A_new_session_validates_with_its_token_and_reports_who_it_is()
    {
        var tokens = await SignInAsync("ada", Policy());

        var result = await ValidateAsync(tokens);

        Assert.True(result.Active);
        Assert.Equal("ada", result.UserId);
        Assert.Equal("portal", result.ClientId);
        Assert.Equal("""{"groups":"eng"}""", result.ClaimsJson);
        Assert.Equal(fixture.Time.GetUtcNow().AddSeconds(36000), result.ExpiresAt);
        Assert.Equal(fixture.Time.GetUtcNow().AddSeconds(1800), result.IdleExpiresAt);
    }

    [Fact]
    public async Task A_forged_secret_for_a_real_session_is_unknown()
    {
        var tokens = await SignInAsync("ada", Policy());
        var forged = BearerSecret.New(SecretKind.AccessToken, _tenant, tokens.SessionId);

        var result = await Session(tokens.SessionId).Validate(forged.Hash());

        Assert.False(result.Active);
        Assert.Equal(InactiveReason.Unknown, result.Reason);
    }

    [Fact]
    public async Task Idle_sessions_expire_and_activity_keeps_them_alive()
    {
        var tokens = await SignInAsync("ada", Policy(idle: 60));

        fixture.Time.Advance(TimeSpan.FromSeconds(40));
        Assert.True((await ValidateAsync(tokens)).Active);
        fixture.Time.Advance(TimeSpan.FromSeconds(40));
        Assert.True((await ValidateAsync(tokens)).Active);
        var lastActivity = fixture.Time.GetUtcNow();
        fixture.Time.Advance(TimeSpan.FromSeconds(61));

        var result = await ValidateAsync(tokens);

        Assert.False(result.Active);
        Assert.Equal(InactiveReason.Expired, result.Reason);
        var details = await Session(tokens.SessionId).GetDetails();
        Assert.Equal(SessionStatus.Expired, details!.Row.Status);
        Assert.Equal(EndReason.IdleTimeout, details.Row.EndReason);
        Assert.Equal(lastActivity.AddSeconds(60), details.Row.EndedAt);
    }

    [Fact]
    public async Task The_absolute_lifetime_ends_a_session_however_active()
    {
        var tokens = await SignInAsync("ada", Policy(idle: 0, absolute: 100));
        for (var i = 0; i < 5; i++)
        {
            fixture.Time.Advance(TimeSpan.FromSeconds(19));
            Assert.True((await ValidateAsync(tokens)).Active);
        }

        fixture.Time.Advance(TimeSpan.FromSeconds(6));

        Assert.Equal(InactiveReason.Expired, (await ValidateAsync(tokens)).Reason);
        var details = await Session(tokens.SessionId).GetDetails();
        Assert.Equal(EndReason.MaxLifetime, details!.Row.EndReason);
        Assert.Equal(details.Row.CreatedAt.AddSeconds(100), details.Row.EndedAt);
    }

    [Fact]
    public async Task Refresh_rotates_both_tokens()
    {
        var first = await SignInAsync("ada", Policy());
        fixture.Time.Advance(TimeSpan.FromSeconds(5));

        var refreshed = await RefreshAsync(first.SessionId, first.RefreshToken);

        Assert.NotNull(refreshed.Tokens);
        Assert.NotEqual(first.Token, refreshed.Tokens.Token);
        Assert.NotEqual(first.RefreshToken, refreshed.Tokens.RefreshToken);
        Assert.Equal(InactiveReason.Unknown, (await ValidateAsync(first)).Reason);
        Assert.True((await ValidateAsync(refreshed.Tokens)).Active);
        var details = await Session(first.SessionId).GetDetails();
        Assert.Equal(1, details!.RefreshCount);
        Assert.Equal(fixture.Time.GetUtcNow(), details.LastRefreshAt);
    }

    [Fact]
    public async Task A_reused_refresh_token_ends_the_session_as_stolen()
    {
        var first = await SignInAsync("ada", Policy(grace: 0));
        var second = (await RefreshAsync(first.SessionId, first.RefreshToken)).Tokens!;

        var reuse = await RefreshAsync(first.SessionId, first.RefreshToken);

        Assert.Equal(RefreshError.RefreshTokenReused, reuse.Error);
        Assert.Equal(InactiveReason.Terminated, (await ValidateAsync(second)).Reason);
        Assert.Equal(RefreshError.InvalidRefreshToken, (await RefreshAsync(first.SessionId, second.RefreshToken)).Error);
        Assert.Equal(EndReason.TokenReuse, (await Session(first.SessionId).GetDetails())!.Row.EndReason);
    }

    [Fact]
    public async Task Within_the_grace_period_a_used_refresh_token_rotates_again()
    {
        var first = await SignInAsync("ada", Policy(grace: 10));
        var second = (await RefreshAsync(first.SessionId, first.RefreshToken)).Tokens!;
        fixture.Time.Advance(TimeSpan.FromSeconds(9));

        var again = await RefreshAsync(first.SessionId, first.RefreshToken);

        Assert.NotNull(again.Tokens);
        Assert.True((await ValidateAsync(again.Tokens)).Active);
        Assert.Equal(InactiveReason.Unknown, (await ValidateAsync(second)).Reason);

        fixture.Time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(RefreshError.RefreshTokenReused, (await RefreshAsync(first.SessionId, first.RefreshToken)).Error);
        Assert.Equal(InactiveReason.Terminated, (await ValidateAsync(again.Tokens)).Reason);
    }

    [Fact]
    public async Task A_forged_refresh_token_is_refused_without_ending_the_session()
    {
        var tokens = await SignInAsync("ada", Policy());
        var forged = BearerSecret.New(SecretKind.RefreshToken, _tenant, tokens.SessionId);

        var result = await Session(tokens.SessionId).Refresh(TenantDriver.ProofOf(forged.Encode()));

        Assert.Equal(RefreshError.InvalidRefreshToken, result.Error);
        Assert.True((await ValidateAsync(tokens)).Active);
    }

    [Fact]
    public async Task Refresh_of_an_expired_session_is_refused()
    {
        var tokens = await SignInAsync("ada", Policy(idle: 30));
        fixture.Time.Advance(TimeSpan.FromSeconds(31));

        Assert.Equal(RefreshError.InvalidRefreshToken, (await RefreshAsync(tokens.SessionId, tokens.RefreshToken)).Error);
    }

    [Fact]
    public async Task Logout_ends_only_with_the_sessions_own_token()
    {
        var tokens = await SignInAsync("ada", Policy());
        var other = BearerSecret.New(SecretKind.AccessToken, _tenant, tokens.SessionId);

        Assert.False(await Session(tokens.SessionId).Logout(other.Hash()));
        Assert.True((await ValidateAsync(tokens)).Active);
        Assert.True(await Session(tokens.SessionId).Logout(HashOf(tokens.Token, SecretKind.AccessToken)));

        Assert.Equal(InactiveReason.Terminated, (await ValidateAsync(tokens)).Reason);
        Assert.Equal(EndReason.UserLogout, (await Session(tokens.SessionId).GetDetails())!.Row.EndReason);
        Assert.Equal(EndOutcome.NotActive, await Session(tokens.SessionId).End(EndReason.AdminTerminated));
        Assert.Equal(EndOutcome.NotFound, await Session("never-opened").End(EndReason.AdminTerminated));
    }

    [Fact]
    public async Task The_session_limit_with_deny_refuses_sign_ins_until_a_session_ends()
    {
        var policy = Policy(max: 2, onLimit: SessionLimitAction.Deny);
        var user = fixture.Grains.GetGrain<IUserGrain>(GrainKeys.User(_tenant, "ada"));
        var first = await SignInAsync("ada", policy);
        await SignInAsync("ada", policy);

        Assert.Equal(SignInError.SessionLimitReached, (await user.SignIn(Secrets.NewSessionId(), TestData.SignIn("ada"))).Error);

        await Session(first.SessionId).Logout(HashOf(first.Token, SecretKind.AccessToken));
        Assert.NotNull((await user.SignIn(Secrets.NewSessionId(), TestData.SignIn("ada"))).Tokens);
        Assert.Equal(SignInError.SessionLimitReached, (await user.SignIn(Secrets.NewSessionId(), TestData.SignIn("ada"))).Error);
    }

    [Fact]
    public async Task A_sign_in_sent_again_with_its_session_id_gives_the_one_session_new_tokens_without_counting_it_twice()
    {
        // As the retry of a call whose answer was lost with a leaving silo does.
        var policy = Policy(max: 1, onLimit: SessionLimitAction.Deny);
        await UsePolicyAsync(policy);
        var user = fixture.Grains.GetGrain<IUserGrain>(GrainKeys.User(_tenant, "ada"));
        var sessionId = Secrets.NewSessionId();
        var signIn = TestData.SignIn("ada");
        var lost = (await user.SignIn(sessionId, signIn)).Tokens!;

        var again = (await user.SignIn(sessionId, signIn)).Tokens!;

        Assert.Equal(sessionId, again.SessionId);
        Assert.True((await ValidateAsync(again)).Active);
        Assert.False((await ValidateAsync(lost)).Active);
        Assert.Equal(SignInError.SessionLimitReached, (await user.SignIn(Secrets.NewSessionId(), signIn)).Error);
    }

    [Fact]
    public async Task An_opened_session_is_not_opened_again_by_another_sign_in_or_after_a_refresh()
    {
        await UsePolicyAsync(Policy());
        var user = fixture.Grains.GetGrain<IUserGrain>(GrainKeys.User(_tenant, "ada"));
        var sessionId = Secrets.NewSessionId();
        var tokens = (await user.SignIn(sessionId, TestData.SignIn("ada"))).Tokens!;

        await Assert.ThrowsAsync<InvalidOperationException>(() => user.SignIn(sessionId, TestData.SignIn("ada", clientId: "other")));
        var refreshed = await RefreshAsync(sessionId, tokens.RefreshToken);
        Assert.NotNull(refreshed.Tokens);
        await Assert.ThrowsAsync<InvalidOperationException>(() => user.SignIn(sessionId, TestData.SignIn("ada")));
        Assert.True((await ValidateAsync(refreshed.Tokens!)).Active);
    }

    [Fact]
    public async Task The_session_limit_with_evict_oldest_ends_the_oldest_session()
    {
        var policy = Policy(max: 2, onLimit: SessionLimitAction.EvictOldest);
        var oldest = await SignInAsync("ada", policy);
        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        var middle = await SignInAsync("ada", policy);
        fixture.Time.Advance(TimeSpan.FromSeconds(1));

        var newest = await SignInAsync("ada", policy);

        Assert.Equal(InactiveReason.Terminated, (await ValidateAsync(oldest)).Reason);
        Assert.Equal(EndReason.Evicted, (await Session(oldest.SessionId).GetDetails())!.Row.EndReason);
        Assert.True((await ValidateAsync(middle)).Active);
        Assert.True((await ValidateAsync(newest)).Active);
    }

    [Fact]
    public async Task Sessions_that_expired_do_not_count_against_the_limit()
    {
        var policy = Policy(idle: 60, max: 1, onLimit: SessionLimitAction.Deny);
        await SignInAsync("ada", policy);
        fixture.Time.Advance(TimeSpan.FromSeconds(61));

        Assert.NotNull(await SignInAsync("ada", policy));
    }

    [Fact]
    public async Task Users_limits_are_their_own()
    {
        var policy = Policy(max: 1, onLimit: SessionLimitAction.Deny);
        await SignInAsync("ada", policy);

        Assert.NotNull(await SignInAsync("grace", policy));
    }

    /// <summary>
    /// Twelve sessions of one user idle out unvisited (past the idle timeout and the shards' grace
    /// for written-behind activity), one more signs in: ending them all calls just the live one.
    /// </summary>
    private async Task<SessionTokens> IdleOutManyThenSignInOnceAsync(string userId)
    {
        var policy = Policy(idle: 60);
        for (var i = 0; i < 12; i++)
        {
            await SignInAsync(userId, policy);
        }

        fixture.Time.Advance(TimeSpan.FromSeconds(60) + ActivityWriteBehind.MaxLag + TimeSpan.FromSeconds(10));
        return await SignInAsync(userId, policy);
    }

    [Fact]
    public async Task User_logout_calls_only_the_sessions_that_have_not_idled_out()
    {
        var live = await IdleOutManyThenSignInOnceAsync("ada");
        var before = GrainCallProbe.SessionCallsOf(_tenant, nameof(ISessionGrain.End));

        var ended = await fixture.Grains.GetGrain<IUserGrain>(GrainKeys.User(_tenant, "ada")).EndAll(EndReason.UserLogoutAll);

        Assert.Equal(1, ended);
        Assert.Equal(1, GrainCallProbe.SessionCallsOf(_tenant, nameof(ISessionGrain.End)) - before);
        Assert.Equal(InactiveReason.Terminated, (await ValidateAsync(live)).Reason);
    }

    [Fact]
    public async Task Denylisting_calls_only_the_sessions_that_have_not_idled_out()
    {
        var live = await IdleOutManyThenSignInOnceAsync("ada");
        var before = GrainCallProbe.SessionCallsOf(_tenant, nameof(ISessionGrain.End));

        var ended = await fixture.Grains.GetGrain<IUserGrain>(GrainKeys.User(_tenant, "ada")).Denylist("test");

        Assert.Equal(1, ended);
        Assert.Equal(1, GrainCallProbe.SessionCallsOf(_tenant, nameof(ISessionGrain.End)) - before);
        Assert.Equal(InactiveReason.Terminated, (await ValidateAsync(live)).Reason);
    }
}
