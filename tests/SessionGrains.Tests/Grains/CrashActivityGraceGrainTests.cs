using System.Diagnostics;
using Orleans.TestingHost;
using SessionGrains.SessionTable;
using SessionGrains.Sessions;
using SessionGrains.Tenants;
using SessionGrains.Tests.Infrastructure;

namespace SessionGrains.Tests.Grains;

/// <summary>
/// A crash loses the activity a session grain had not written yet (up to the write-behind window).
/// A session that was in use must not come back expired: the reactivated grain allows the same
/// idle grace the shards allow, so it and the session table agree. The test kills a silo, so it has
/// a cluster of its own.
/// </summary>
[Trait("Category", "Cluster")]
public sealed class CrashActivityGraceGrainTests(SqliteDatabases databases) : IAsyncLifetime, IClassFixture<SqliteDatabases>
{
    private const int IdleSeconds = 120;

    /// <summary>How long a cluster may take to notice a dead silo and route around it.</summary>
    private static readonly TimeSpan SettleDeadline = TimeSpan.FromSeconds(120);

    private GrainCluster _cluster = null!;
    private TenantDriver _tenant = null!;

    private InProcessTestCluster Cluster => _cluster.Cluster;

    public async Task InitializeAsync()
    {
        _cluster = await GrainCluster.StartAsync(await databases.CreateAsync(CancellationToken.None), CancellationToken.None);
        _tenant = new(_cluster.Grains, TestData.Id("t"), 2);
    }

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    /// <summary>Retries a call that may be routed to the dead silo until membership has declared it dead.</summary>
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
                await Task.Delay(retry);
            }
        }
    }

    [Fact]
    public async Task A_session_in_use_when_its_silo_crashed_does_not_come_back_expired()
    {
        await _tenant.CreateAsync();
        var policy = new TenantPolicy(IdleSeconds, 0, 0, SessionLimitAction.Deny, 0);
        var victim = Cluster.Silos[1];

        // A session whose grain lives on the silo that will die (placement is random; bounded tries).
        SessionTokens? tokens = null;
        for (var i = 0; i < 40 && tokens is null; i++)
        {
            var candidate = await _tenant.SignInAsync($"user-{i}", policy: policy);
            if (victim.SiloAddress.Equals(await Cluster.HostOfAsync(_tenant.Session(candidate.SessionId))))
            {
                tokens = candidate;
            }
        }

        Assert.NotNull(tokens);
        var userId = (await _tenant.ValidateAsync(tokens)).UserId!;

        // In use: validated 100 s after sign-in. That activity is in memory only when the silo dies.
        _cluster.Time.Advance(TimeSpan.FromSeconds(100));
        Assert.True((await _tenant.ValidateAsync(tokens)).Active);
        await Cluster.KillSiloAsync(victim);
        await Cluster.WaitForLivenessToStabilizeAsync(didKill: true);

        // Past the stored activity's idle deadline (sign-in + 120 s), well before the real one (+ 220 s).
        _cluster.Time.Advance(TimeSpan.FromSeconds(30));
        var survivor = Cluster.Silos.Single(s => s != victim).SiloAddress;
        var grains = Cluster.GrainsOn(survivor);
        var shard = grains.GetGrain<ISessionTableShardGrain>(GrainKeys.Shard(_tenant.TenantId, GrainKeys.ShardOf(userId, _tenant.Shards)));
        var listed = await WhenSettledAsync(() => shard.Query(SessionQuery.Default with { UserId = userId }));
        var validation = await WhenSettledAsync(() => _tenant.ValidateAsync(tokens, grains));

        Assert.Equal(SessionStatus.Active, listed.Items.Single().Status);
        Assert.True(validation.Active, $"the session came back {validation.Reason} after the crash lost its activity");

        // Validated again in this activation: its activity is known, and it idles out from there.
        _cluster.Time.Advance(TimeSpan.FromSeconds(IdleSeconds + 1));
        Assert.Equal(InactiveReason.Expired, (await _tenant.ValidateAsync(tokens, grains)).Reason);
    }
}
