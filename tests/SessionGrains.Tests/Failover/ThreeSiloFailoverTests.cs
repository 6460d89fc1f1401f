using System.Net;
using SessionGrains.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SessionGrains.Tests.Failover;

/// <summary>
/// Three silo processes of one cluster on PostgreSQL, under sign-in, validate and terminate load
/// through all three (a router that, like a load balancer, sends only to silos that answer
/// ready): a silo killed with SIGKILL, a rolling restart with SIGTERM, and a restart of the whole
/// cluster. After each, every session whose create returned 201 is listed and validates unless
/// it was ended, and every one whose termination returned 204 refuses.
/// </summary>
[Trait("Category", "Cluster")]
[Collection(PostgresCollection.Name)]
public sealed class ThreeSiloFailoverTests(PostgresDatabases databases, ITestOutputHelper output)
{
    private const string Tenant = "acme";
    private const int Workers = 6;
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan LoadLimit = TimeSpan.FromSeconds(90);

    /// <summary>What the membership table calls a silo the cluster has declared dead (Orleans' SiloStatus.Dead).</summary>
    private const int Dead = 6;

    /// <summary>The platform's promise: a killed silo is declared dead within this long.</summary>
    private static readonly TimeSpan DeathDeclared = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_silo_killed_under_load_loses_no_acknowledged_session_and_the_survivors_recover_within_15_seconds()
    {
        await using var cluster = await StartClusterAsync();
        var (serviceKey, load) = await StartLoadAsync(cluster);
        await using var _ = load;
        await load.WaitForSuccessesAsync(400, LoadLimit, CancellationToken.None);

        const int killed = 2;
        var killedAt = load.Elapsed;
        await cluster.KillAsync(killed);
        var declaredDead = await WaitUntilDeclaredDeadAsync(cluster.Settings(killed));
        output.WriteLine($"The killed silo was declared dead in the membership table {declaredDead.TotalSeconds:F1} s after the kill.");

        // Keep the load on until well past the recovery bound, then demand successes after it.
        await Task.Delay(Recovery + TimeSpan.FromSeconds(2));
        await load.WaitForSuccessesAsync(300, LoadLimit, CancellationToken.None);
        await load.StopAsync();

        var errors = load.Errors.Where(e => e.At >= killedAt).ToList();
        var viaSurvivors = errors.Where(e => e.Silo != killed).ToList();
        var lastSurvivorError = viaSurvivors.Count == 0 ? TimeSpan.Zero : viaSurvivors.Max(e => e.At) - killedAt;
        output.WriteLine($"{load.Succeeded} requests succeeded, {load.Errors.Count} failed: {errors.Count(e => e.Silo == killed)} sent to the killed silo, "
            + $"{viaSurvivors.Count} through the survivors, the last of those {lastSurvivorError.TotalSeconds:F2} s after the kill.");
        output.WriteLine(ClusterLoad.Describe(load.Errors.Take(40)));

        Assert.DoesNotContain(load.Errors, e => e.Status >= 500 && e.Status != (int)HttpStatusCode.ServiceUnavailable);
        Assert.DoesNotContain(load.Errors, e => e.At < killedAt);
        Assert.True(lastSurvivorError < Recovery, $"Requests through the survivors still failed {lastSurvivorError} after the kill:\n{ClusterLoad.Describe(viaSurvivors.TakeLast(10))}");
        Assert.Empty(load.Violations);
        await AssertPromisesKeptAsync(load, cluster, serviceKey, skip: killed);
    }

    [Fact]
    public async Task A_rolling_restart_under_load_fails_no_request_and_loses_no_session()
    {
        await using var cluster = await StartClusterAsync();
        var (serviceKey, load) = await StartLoadAsync(cluster);
        await using var _ = load;
        await load.WaitForSuccessesAsync(300, LoadLimit, CancellationToken.None);

        for (var silo = 0; silo < cluster.Count; silo++)
        {
            var exitCode = await cluster.StopAsync(silo);
            Assert.True(exitCode == 0, $"Silo {silo} exited with {exitCode} on SIGTERM.\n{cluster.Output()}");
            await cluster.StartAsync(silo);
            output.WriteLine($"{load.Elapsed.TotalSeconds:F1} s: silo {silo} restarted; {load.Succeeded} requests succeeded so far.");
            await load.WaitForSuccessesAsync(200, LoadLimit, CancellationToken.None);
        }

        await load.StopAsync();
        output.WriteLine($"{load.Succeeded} requests succeeded, {load.Errors.Count} failed, {load.Sessions.Count} sessions created.");
        Assert.True(load.Errors.Count == 0,
            $"{load.Errors.Count} requests failed during the rolling restart:\n{ClusterLoad.Describe(load.Errors.Take(20))}\n{cluster.Output()}");
        Assert.Empty(load.Violations);
        await AssertPromisesKeptAsync(load, cluster, serviceKey);
    }

    [Fact]
    public async Task A_restart_of_the_whole_cluster_loses_no_session()
    {
        await using var cluster = await StartClusterAsync();
        var (serviceKey, load) = await StartLoadAsync(cluster);
        await using var _ = load;
        await load.WaitForSuccessesAsync(400, LoadLimit, CancellationToken.None);

        var exitCodes = await Task.WhenAll(Enumerable.Range(0, cluster.Count).Select(silo => cluster.StopAsync(silo)));
        Assert.All(exitCodes, code => Assert.Equal(0, code));
        for (var silo = 0; silo < cluster.Count; silo++)
        {
            await cluster.StartAsync(silo);
        }

        await load.WaitForSuccessesAsync(200, LoadLimit, CancellationToken.None);
        await load.StopAsync();
        output.WriteLine($"{load.Succeeded} requests succeeded, {load.Errors.Count} failed while the cluster stopped and started, {load.Sessions.Count} sessions created.");
        output.WriteLine(ClusterLoad.Describe(load.Errors.Take(20)));
        Assert.DoesNotContain(load.Errors, e => e.Status >= 500 && e.Status != (int)HttpStatusCode.ServiceUnavailable);
        Assert.Empty(load.Violations);
        await AssertPromisesKeptAsync(load, cluster, serviceKey);
    }

    /// <summary>
    /// Waits, up to <see cref="DeathDeclared"/>, until the newest membership row of the silo of
    /// <paramref name="settings"/> says Dead, and returns how long that took.
    /// </summary>
    private static async Task<TimeSpan> WaitUntilDeclaredDeadAsync(SiloSettings settings)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        object? status = null;
        await Poll.UntilAsync(
            async ct =>
            {
                status = await settings.Database.ScalarAsync(
                    "SELECT Status FROM OrleansMembershipTable WHERE DeploymentId = @p0 AND Port = @p1 ORDER BY Generation DESC LIMIT 1",
                    ct, settings.ClusterId, settings.Ports.Silo);
                return Convert.ToInt32(status) == Dead;
            },
            DeathDeclared,
            () => $"The killed silo was not declared dead within {DeathDeclared} (status {status}).",
            CancellationToken.None);
        return clock.Elapsed;
    }

    private async Task<SiloProcessCluster> StartClusterAsync()
    {
        var database = await databases.CreateAsync(CancellationToken.None);
        var settings = SiloSettings.Fresh(database) with
        {
            Configuration = ["SessionGrains:Cluster:ShutdownDelaySeconds=2"],
        };
        return await SiloProcessCluster.StartAsync(settings, 3);
    }

    private static async Task<(string ServiceKey, ClusterLoad Load)> StartLoadAsync(SiloProcessCluster cluster)
    {
        using var api = new ApiClient(cluster.Addresses[0], SiloSettings.TestOperatorKey);
        await api.CreateTenantAsync(Tenant);
        var (_, serviceKey) = await api.CreateKeyAsync(Tenant, "service");
        var load = new ClusterLoad(cluster.Addresses, Tenant, serviceKey, SiloSettings.TestOperatorKey);
        load.Start(Workers);
        return (serviceKey, load);
    }

    /// <summary>
    /// Every session created with 201 is in the session table (within the shards' catch-up) and
    /// validates, through every running silo in turn, unless it was ended; every termination that
    /// returned 204 holds.
    /// </summary>
    private async Task AssertPromisesKeptAsync(ClusterLoad load, SiloProcessCluster cluster, string serviceKey, int skip = -1)
    {
        var clients = cluster.Addresses.Where((_, i) => i != skip)
            .Select(address => new ApiClient(address, SiloSettings.TestOperatorKey)).ToList();
        try
        {
            var created = load.Sessions;
            IReadOnlyList<string> missing = [];
            await Poll.UntilAsync(async ct =>
                {
                    var listed = await ListAllAsync(clients[0], ct);
                    missing = [.. created.Keys.Where(id => !listed.Contains(id))];
                    return missing.Count == 0;
                },
                TimeSpan.FromSeconds(30),
                () => $"{missing.Count} of {created.Count} sessions created with 201 are not listed, e.g. {string.Join(", ", missing.Take(5))}",
                CancellationToken.None);

            var broken = new List<string>();
            var n = 0;
            foreach (var (id, entry) in created)
            {
                var client = clients[n++ % clients.Count];
                var active = (await client.ValidateAsync(Tenant, serviceKey, entry.Token))["active"]!.GetValue<bool>();
                if (entry.State == LedgerState.Live && !active)
                {
                    broken.Add($"{id} was created with 201 and never ended, but does not validate");
                }
                else if (entry.State == LedgerState.Ended && active)
                {
                    broken.Add($"{id} was terminated with 204, but validates");
                }
            }

            output.WriteLine($"{created.Count} sessions checked: {created.Values.Count(e => e.State == LedgerState.Live)} live, "
                + $"{created.Values.Count(e => e.State == LedgerState.Ended)} ended, {created.Values.Count(e => e.State == LedgerState.Unknown)} of unknown outcome.");
            Assert.True(broken.Count == 0, string.Join("\n", broken.Take(20)));
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    private static async Task<HashSet<string>> ListAllAsync(ApiClient api, CancellationToken cancellationToken)
    {
        var ids = new HashSet<string>();
        string? cursor = null;
        for (var page = 0; page < 1000; page++)
        {
            var path = $"/api/v1/tenants/{Tenant}/sessions?pageSize=500" + (cursor is null ? "" : $"&cursor={Uri.EscapeDataString(cursor)}");
            var json = (await api.GetAsync(path, api.OperatorKey, cancellationToken)).Expect(HttpStatusCode.OK).Json;
            foreach (var item in json["items"]!.AsArray())
            {
                ids.Add(item!["sessionId"]!.GetValue<string>());
            }

            cursor = json["nextCursor"]?.GetValue<string>();
            if (cursor is null)
            {
                return ids;
            }
        }

        throw new InvalidOperationException("The session table did not end within 1,000 pages.");
    }
}
