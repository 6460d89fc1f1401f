using System.Diagnostics;
using Orleans.TestingHost;
using SessionGrains.Grains.Security;
using SessionGrains.SessionTable;
using SessionGrains.Sessions;
using SessionGrains.Tenants;
using SessionGrains.Tests.Infrastructure;

namespace SessionGrains.Tests.Grains;

/// <summary>
/// Invariant 3 (nothing invisible) and 2 (durability) across a crash: when a silo that holds index
/// shards dies, the shards come back elsewhere from the stored rows, and the session table lists
/// every stored session with the status it had, while tokens keep working or stay refused; and a
/// session in use on the dead silo does not come back expired for the activity it lost. Each
/// test has a cluster of its own, as it leaves that cluster with one silo; it runs on each provider.
/// </summary>
public abstract class SiloCrashGrainTests(ITestDatabases databases) : IAsyncLifetime
{
    private const int Users = 25;
    private const int SessionsPerUser = 4;

    /// <summary>How long a cluster may take to notice a dead silo and route around it.</summary>
    private static readonly TimeSpan SettleDeadline = TimeSpan.FromSeconds(120);

    private GrainCluster _cluster = null!;
    private TenantDriver _tenant = null!;

    private InProcessTestCluster Cluster => _cluster.Cluster;

    public async Task InitializeAsync()
    {
        _cluster = await GrainCluster.StartAsync(await databases.CreateAsync(CancellationToken.None), CancellationToken.None);
        _tenant = new(_cluster.Grains, TestData.Id("t"), 6);
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    /// <summary>
    /// About a hundred sessions over many users and two clients, ended in every way a session can
    /// be ended: administrator, user logout, user logout-all, denylist, refresh-token reuse, and a
    /// client's logout-all (which the shards compute from the tenant's marker, not from a stored end).
    /// </summary>
    private async Task<List<SessionTokens>> SeedAsync()
    {
        await _tenant.CreateAsync();
        var sessions = new List<SessionTokens>();
        for (var i = 0; i < Users * SessionsPerUser; i++)
        {
            sessions.Add(await _tenant.SignInAsync($"user-{i % Users:D2}", i % 5 == 0 ? "mobile" : "portal"));
            _cluster.Time.Advance(TimeSpan.FromMilliseconds(3));
        }

        for (var i = 1; i < sessions.Count; i += 7)
        {
            await _tenant.Session(sessions[i].SessionId).End(EndReason.AdminTerminated);
        }

        for (var i = 2; i < sessions.Count; i += 11)
        {
            await _tenant.Session(sessions[i].SessionId).Logout(TenantDriver.HashOf(sessions[i].Token, SecretKind.AccessToken));
        }

        await _tenant.User("user-03").EndAll(EndReason.UserLogoutAll);
        await _tenant.User("user-04").Denylist("compromised");
        var stolen = sessions[6];
        Assert.NotNull((await _tenant.RefreshAsync(stolen)).Tokens);
        Assert.Equal(RefreshError.RefreshTokenReused, (await _tenant.RefreshAsync(stolen)).Error);
        _cluster.Time.Advance(TimeSpan.FromMilliseconds(1));
        await _tenant.Tenant.LogoutAll("mobile");
        _cluster.Time.Advance(TimeSpan.FromMilliseconds(1));
        for (var i = 0; i < 3; i++)
        {
            sessions.Add(await _tenant.SignInAsync($"late-{i}", "mobile"));
        }

        return sessions;
    }

    /// <summary>Asks the survivor's table until the dead silo's shards answer again from their new home.</summary>
    private Task<(long Total, IReadOnlyList<SessionRow> Items)> ListWhenSettledAsync(SiloAddress survivor, DateTimeOffset asOf) =>
        WhenSettledAsync(() => _tenant.ListAllAsync(Cluster.TableOn(survivor), asOf));

    /// <summary>Repeats a call that may be routed to the dead silo until the cluster has routed around it.</summary>
    private static async Task<T> WhenSettledAsync<T>(Func<Task<T>> call)
    {
        var retry = TimeSpan.FromMilliseconds(500);
        var deadline = Stopwatch.StartNew();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await call();
            }
            catch (Exception) when (deadline.Elapsed < SettleDeadline && attempt < SettleDeadline / retry)
            {
                // A call routed to the dead silo fails until membership declares it dead: settling, not logic.
                await Task.Delay(retry);
            }
        }
    }

    [Fact]
    public async Task Every_stored_session_is_listed_with_its_status_after_a_silo_holding_index_shards_dies()
    {
        var sessions = await SeedAsync();
        // Every shard has been told of a write by now, so every shard has an activation somewhere.
        var management = Cluster.Client.GetGrain<IManagementGrain>(0);
        var shardHosts = new List<SiloAddress>();
        for (var shard = 0; shard < _tenant.Shards; shard++)
        {
            shardHosts.Add((await management.GetActivationAddress(_tenant.Shard(shard)))!);
        }

        // The victim is the silo with the most shards; the table is read from the other one.
        var victimAddress = shardHosts.GroupBy(h => h).OrderByDescending(g => g.Count()).First().Key;
        var victim = Cluster.Silos.Single(s => s.SiloAddress.Equals(victimAddress));
        var survivor = Cluster.Silos.Single(s => !s.SiloAddress.Equals(victimAddress)).SiloAddress;
        var asOf = _cluster.Time.GetUtcNow();
        var (totalBefore, before) = await _tenant.ListAllAsync(Cluster.TableOn(survivor), asOf);
        Assert.Equal(sessions.Count, totalBefore);
        Assert.Equal(sessions.Count, before.Count);
        Assert.Contains(before, s => s.EndReason == EndReason.TenantLogoutAll);
        Assert.Contains(before, s => s.EndReason == EndReason.TokenReuse);
        Assert.Contains(before, s => s.Status == SessionStatus.Active);

        await Cluster.KillSiloAsync(victim);
        await Cluster.WaitForLivenessToStabilizeAsync(didKill: true);
        var (totalAfter, after) = await ListWhenSettledAsync(survivor, asOf);

        Assert.Equal(totalBefore, totalAfter);
        var afterById = after.ToDictionary(s => s.SessionId);
        Assert.All(before, expected =>
        {
            Assert.True(afterById.TryGetValue(expected.SessionId, out var actual), $"session {expected.SessionId} vanished from the table");
            Assert.Equal(expected.Status, actual.Status);
            Assert.Equal(expected.EndReason, actual.EndReason);
            Assert.Equal(expected.EndedAt, actual.EndedAt);
            Assert.Equal(expected.UserId, actual.UserId);
        });

        // The shards that lived on the victim were rebuilt on the survivor, so the listing above
        // really came from stored rows and not from memory that survived.
        var survivorGrains = Cluster.GrainsOn(survivor);
        var survivorManagement = survivorGrains.GetGrain<IManagementGrain>(0);
        for (var shard = 0; shard < _tenant.Shards; shard++)
        {
            var shardGrain = survivorGrains.GetGrain<ISessionTableShardGrain>(GrainKeys.Shard(_tenant.TenantId, shard));
            Assert.Equal(survivor, await survivorManagement.GetActivationAddress(shardGrain));
        }

        // Durability: a session listed active still validates, one listed ended is still refused.
        var statusById = before.ToDictionary(s => s.SessionId, s => s.Status);
        foreach (var tokens in sessions)
        {
            var validation = await _tenant.ValidateAsync(tokens, survivorGrains);
            Assert.Equal(statusById[tokens.SessionId] == SessionStatus.Active, validation.Active);
        }

        Assert.Equal(TenantPolicy.Default, (await survivorGrains.GetGrain<ITenantGrain>(_tenant.TenantId).Get())!.Policy);
    }

    /// <summary>
    /// A crash loses the activity a session grain had not written yet (up to the write-behind
    /// window). A session that was in use must not come back expired: the reactivated grain allows
    /// the same idle grace the shards allow, so it and the session table agree.
    /// </summary>
    [Fact]
    public async Task A_session_in_use_when_its_silo_crashed_does_not_come_back_expired()
    {
        const int idleSeconds = 120;
        await _tenant.CreateAsync();
        var policy = new TenantPolicy(idleSeconds, 0, 0, SessionLimitAction.Deny, 0);
        var victim = Cluster.Silos[1];

        // A session whose grain lives on the silo that will die (placement is random; bounded tries).
        SessionTokens? tokens = null;
        string? userId = null;
        for (var i = 0; i < 40 && tokens is null; i++)
        {
            var candidate = await _tenant.SignInAsync($"user-{i}", policy: policy);
            if (victim.SiloAddress.Equals(await Cluster.HostOfAsync(_tenant.Session(candidate.SessionId))))
            {
                (tokens, userId) = (candidate, $"user-{i}");
            }
        }

        Assert.NotNull(tokens);

        // In use: validated 100 s after sign-in. That activity is in memory only when the silo dies.
        _cluster.Time.Advance(TimeSpan.FromSeconds(100));
        Assert.True((await _tenant.ValidateAsync(tokens)).Active);
        await Cluster.KillSiloAsync(victim);
        await Cluster.WaitForLivenessToStabilizeAsync(didKill: true);

        // Past the stored activity's idle deadline (sign-in + 120 s), well before the real one (+ 220 s).
        _cluster.Time.Advance(TimeSpan.FromSeconds(30));
        var grains = Cluster.GrainsOn(Cluster.Silos.Single(s => s != victim).SiloAddress);
        var shard = grains.GetGrain<ISessionTableShardGrain>(GrainKeys.Shard(_tenant.TenantId, GrainKeys.ShardOf(userId!, _tenant.Shards)));
        var listed = await WhenSettledAsync(() => shard.Query(SessionQuery.Default with { UserId = userId }));
        var validation = await WhenSettledAsync(() => _tenant.ValidateAsync(tokens, grains));

        Assert.Equal(SessionStatus.Active, listed.Items.Single().Status);
        Assert.True(validation.Active, $"the session came back {validation.Reason} after the crash lost its activity");

        // Validated again in this activation: its activity is known, and it idles out from there.
        _cluster.Time.Advance(TimeSpan.FromSeconds(idleSeconds + 1));
        Assert.Equal(InactiveReason.Expired, (await _tenant.ValidateAsync(tokens, grains)).Reason);
    }
}

[Trait("Category", "Cluster")]
public sealed class SqliteSiloCrashGrainTests(SqliteDatabases databases) : SiloCrashGrainTests(databases), IClassFixture<SqliteDatabases>;

[Trait("Category", "Cluster")]
[Collection(PostgresCollection.Name)]
public sealed class PostgresSiloCrashGrainTests(PostgresDatabases databases) : SiloCrashGrainTests(databases);
