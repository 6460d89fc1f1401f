using Orleans.Core.Internal;
using SessionGrains.Sessions;
using SessionGrains.SessionTable;
using SessionGrains.Tests.Infrastructure;
using SessionGrains.Users;

namespace SessionGrains.Tests.Grains;

/// <summary>
/// A session is stored, but its shard never hears of it (every Apply fails, the way a shard on a
/// failing silo would): the session is still listed within seconds, and the user's logout and
/// denylist still end it, even after the user grain forgot it and rebuilt its list from the shard,
/// and the logout-all compaction is told of it.
/// </summary>
[Trait("Category", "Cluster")]
[Collection(GrainClusterCollection.Name)]
public sealed class ShardDeliveryGrainTests(GrainClusterFixture fixture)
{
    /// <summary>Well above the shards' reconcile interval, yet bounded.</summary>
    private static readonly TimeSpan ListedWithin = TimeSpan.FromSeconds(30);

    private readonly TenantDriver _tenant = new(fixture.Grains, TestData.Id("t"), 4);

    private ISessionTableShardGrain ShardOf(string userId) => _tenant.Shard(GrainKeys.ShardOf(userId, _tenant.Shards));

    /// <summary>Signs in while every shard update of the tenant fails; the user's shard was already loaded.</summary>
    private async Task<SessionTokens> SignInUnheardAsync(string userId)
    {
        await _tenant.CreateAsync();

        // Loaded before the faults start: a shard that activated now would load the new row anyway.
        await ShardOf(userId).Count();
        GrainCallProbe.RefuseShardUpdates(_tenant.TenantId);
        return await _tenant.SignInAsync(userId);
    }

    private async Task<SessionRow?> ListedAsync(string userId, string sessionId)
    {
        var page = await ShardOf(userId).Query(SessionQuery.Default with { UserId = userId, Take = int.MaxValue });
        return page.Items.SingleOrDefault(s => s.SessionId == sessionId);
    }

    private Task UntilListedAsync(string userId, string sessionId, SessionStatus status) => Poll.UntilAsync(
        async _ => (await ListedAsync(userId, sessionId))?.Status == status, ListedWithin,
        () => $"session {sessionId} is not listed as {status} after {ListedWithin}", CancellationToken.None);

    /// <summary>The user grain forgets what it learnt in memory; its next call rebuilds its list from the shard.</summary>
    private async Task ForgetUserAsync(string userId) =>
        await _tenant.User(userId).Cast<IGrainManagementExtension>().DeactivateOnIdle();

    [Fact]
    public async Task User_logout_ends_a_session_its_shard_was_never_told_of_after_the_user_grain_reactivates()
    {
        try
        {
            var tokens = await SignInUnheardAsync("ada");
            await ForgetUserAsync("ada");

            var ended = await _tenant.User("ada").EndAll(EndReason.UserLogoutAll);

            Assert.Equal(1, ended);
            Assert.Equal(InactiveReason.Terminated, (await _tenant.ValidateAsync(tokens)).Reason);
            await UntilListedAsync("ada", tokens.SessionId, SessionStatus.Terminated);
        }
        finally
        {
            GrainCallProbe.RefuseShardUpdates(_tenant.TenantId, refuse: false);
        }
    }

    /// <summary>
    /// Logout-all compaction forgets a marker once every session the shards name as covered and
    /// stored active has stored its end: a shard that was never told of a session must still name it.
    /// </summary>
    [Fact]
    public async Task A_session_its_shard_was_never_told_of_is_named_to_the_logout_all_compaction()
    {
        try
        {
            var tokens = await SignInUnheardAsync("linus");
            Assert.NotNull(await _tenant.Tenant.LogoutAll(null));
            var marker = (await _tenant.Tenant.GetSnapshot()).LogoutAlls[^1];

            var covered = await ShardOf("linus").StoredActiveCoveredBy(marker);

            Assert.Contains(tokens.SessionId, covered);
        }
        finally
        {
            GrainCallProbe.RefuseShardUpdates(_tenant.TenantId, refuse: false);
        }
    }

    [Fact]
    public async Task A_session_its_shard_was_never_told_of_is_listed_within_seconds_and_denylisting_ends_it()
    {
        try
        {
            var tokens = await SignInUnheardAsync("grace");

            await UntilListedAsync("grace", tokens.SessionId, SessionStatus.Active);
            await ForgetUserAsync("grace");
            var ended = await _tenant.User("grace").Denylist("compromised");

            Assert.Equal(1, ended);
            Assert.Equal(InactiveReason.Terminated, (await _tenant.ValidateAsync(tokens)).Reason);
        }
        finally
        {
            GrainCallProbe.RefuseShardUpdates(_tenant.TenantId, refuse: false);
        }
    }
}
