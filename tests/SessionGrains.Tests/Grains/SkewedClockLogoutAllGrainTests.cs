using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;
using SessionGrains.Grains;
using SessionGrains.SessionTable;
using SessionGrains.Sessions;
using SessionGrains.Tests.Infrastructure;

namespace SessionGrains.Tests.Grains;

/// <summary>A two-silo cluster whose session clocks disagree: one 30 s behind the shared time, one 30 s ahead.</summary>
public sealed class SkewedClusterFixture : IAsyncLifetime
{
    public static readonly TimeSpan Skew = TimeSpan.FromSeconds(30);

    private readonly SqliteDatabases _databases = new();
    private GrainCluster _cluster = null!;

    public FakeTimeProvider Time => _cluster.Time;

    public InProcessTestCluster Cluster => _cluster.Cluster;

    public IGrainFactory Grains => _cluster.Grains;

    public async Task InitializeAsync() => _cluster = await GrainCluster.StartAsync(
        await _databases.CreateAsync(CancellationToken.None), CancellationToken.None, skews: [-Skew, Skew]);

    /// <summary>How far the session clock of <paramref name="silo"/> is ahead of the shared time.</summary>
    public TimeSpan SkewOf(SiloAddress silo) =>
        Cluster.GetSiloServiceProvider(silo).GetRequiredKeyedService<TimeProvider>(Clock.Key).GetUtcNow() - Time.GetUtcNow();

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        await _databases.DisposeAsync();
    }
}

/// <summary>
/// A logout-all must not depend on silos' wall clocks agreeing: whichever silo holds the tenant
/// and whichever silo a session was signed in on, every session created before the call returned
/// ends, on every silo, and every session created after it stays active.
/// </summary>
[Trait("Category", "Cluster")]
public sealed class SkewedClockLogoutAllGrainTests(SkewedClusterFixture fixture) : IClassFixture<SkewedClusterFixture>
{
    private InProcessTestCluster Cluster => fixture.Cluster;

    private IEnumerable<IGrainFactory> EveryEntryPoint() =>
        Cluster.Silos.Select(s => Cluster.GrainsOn(s.SiloAddress)).Prepend(fixture.Grains);

    /// <summary>Two tenants: the grain of the first on the silo that is behind, of the second on the one ahead.</summary>
    private async Task<IReadOnlyList<TenantDriver>> TenantOnEachSiloAsync()
    {
        Assert.Equal(
            [-SkewedClusterFixture.Skew, SkewedClusterFixture.Skew],
            Cluster.Silos.Select(s => fixture.SkewOf(s.SiloAddress)).Order());
        var behind = default(TenantDriver);
        var ahead = default(TenantDriver);
        for (var attempt = 0; attempt < 40 && (behind is null || ahead is null); attempt++)
        {
            var tenant = new TenantDriver(fixture.Grains, TestData.Id("t"), 2);
            await tenant.CreateAsync();
            var skew = fixture.SkewOf((await Cluster.HostOfAsync(tenant.Tenant))!);
            if (skew < TimeSpan.Zero)
            {
                behind ??= tenant;
            }
            else
            {
                ahead ??= tenant;
            }
        }

        Assert.NotNull(behind);
        Assert.NotNull(ahead);
        return [behind, ahead];
    }

    /// <summary>Sessions signed in on both silos (at least two each, checked by where their user grains live).</summary>
    private async Task<IReadOnlyList<SessionTokens>> SignInOnBothSilosAsync(TenantDriver tenant, string prefix)
    {
        var sessions = new List<SessionTokens>();
        var perSkew = new Dictionary<TimeSpan, int>();
        for (var i = 0; i < 64 && (perSkew.Count < 2 || perSkew.Values.Min() < 2); i++)
        {
            var userId = $"{prefix}-{i:D2}";
            sessions.Add(await tenant.SignInAsync(userId));
            var skew = fixture.SkewOf((await Cluster.HostOfAsync(tenant.User(userId)))!);
            perSkew[skew] = perSkew.GetValueOrDefault(skew) + 1;
            fixture.Time.Advance(TimeSpan.FromMilliseconds(1));
        }

        Assert.Equal(2, perSkew.Count);
        Assert.True(perSkew.Values.Min() >= 2);
        return sessions;
    }

    /// <summary>The rows of <paramref name="sessions"/> as the table of every silo lists them, with that silo's skew.</summary>
    private async Task<List<(TimeSpan Skew, SessionRow Row)>> ListedOnEverySiloAsync(TenantDriver tenant, IEnumerable<SessionTokens> sessions)
    {
        var listed = new List<(TimeSpan, SessionRow)>();
        foreach (var silo in Cluster.Silos)
        {
            var byId = (await tenant.ListAllAsync(Cluster.TableOn(silo.SiloAddress))).Items.ToDictionary(s => s.SessionId);
            listed.AddRange(sessions.Select(tokens => (fixture.SkewOf(silo.SiloAddress), byId[tokens.SessionId])));
        }

        return listed;
    }

    [Fact]
    public async Task A_logout_all_ends_sessions_signed_in_on_a_silo_behind_or_ahead_on_every_silo()
    {
        foreach (var tenant in await TenantOnEachSiloAsync())
        {
            var sessions = await SignInOnBothSilosAsync(tenant, "before");
            fixture.Time.Advance(TimeSpan.FromMilliseconds(1));

            Assert.NotNull(await tenant.Tenant.LogoutAll(null));

            // The table first, on every silo: validating would store the end.
            foreach (var (skew, row) in await ListedOnEverySiloAsync(tenant, sessions))
            {
                Assert.True(row.Status == SessionStatus.Terminated,
                    $"{row.SessionId} is {row.Status} on the silo {skew} off (created {row.CreatedAt:O})");
                Assert.Equal(EndReason.TenantLogoutAll, row.EndReason);
                Assert.True(row.EndedAt >= row.CreatedAt, $"ended {row.EndedAt:O} before it was created {row.CreatedAt:O}");
            }

            foreach (var silo in Cluster.Silos)
            {
                Assert.Equal(0, (await Cluster.TableOn(silo.SiloAddress).StatsAsync(tenant.TenantId, null)).Active);
            }

            foreach (var tokens in sessions)
            {
                foreach (var entry in EveryEntryPoint())
                {
                    var validation = await tenant.ValidateAsync(tokens, entry);
                    Assert.False(validation.Active);
                    Assert.Equal(InactiveReason.Terminated, validation.Reason);
                }
            }
        }
    }

    [Fact]
    public async Task A_session_signed_in_after_a_logout_all_returned_stays_active_whichever_silo_clock_is_behind()
    {
        foreach (var tenant in await TenantOnEachSiloAsync())
        {
            Assert.NotNull(await tenant.Tenant.LogoutAll(null));
            var sessions = await SignInOnBothSilosAsync(tenant, "after");

            foreach (var (skew, row) in await ListedOnEverySiloAsync(tenant, sessions))
            {
                Assert.True(row.Status == SessionStatus.Active, $"{row.SessionId} is {row.Status} ({row.EndReason}) on the silo {skew} off");
            }

            foreach (var tokens in sessions)
            {
                foreach (var entry in EveryEntryPoint())
                {
                    Assert.True((await tenant.ValidateAsync(tokens, entry)).Active);
                }
            }
        }
    }
}
