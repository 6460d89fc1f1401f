using System.Net;
using Microsoft.IdentityModel.JsonWebTokens;
using SessionGrains.Tests.Infrastructure;

namespace SessionGrains.Tests.Api.BackchannelLogout;

/// <summary>
/// The outbox survives <c>kill -9</c> and a graceful stop: silo processes with logout notices pending (their receiver
/// refusing, some claimed and mid-retry) are killed; once the receiver accepts, every notice arrives,
/// each once. On SQLite the one silo is restarted on the same file; on PostgreSQL the other silo of
/// two carries on alone, taking over what the dead one had claimed when its lease runs out. A
/// SIGTERM lets a request already on the wire finish and records it, so it is not sent again.
/// </summary>
public abstract class BackchannelLogoutCrashTests(ITestDatabases databases, int silos)
{
    private const int Sessions = 40;

    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task A_killed_silo_loses_no_pending_logout_notice_and_none_arrives_twice()
    {
        await using var receiver = await LogoutReceiver.StartAsync();
        var settings = SiloSettings.Fresh(await databases.CreateAsync(CancellationToken.None)) with
        {
            Configuration =
            [
                "SessionGrains:BackchannelLogout:PollIntervalMilliseconds=50",
                "SessionGrains:BackchannelLogout:FirstRetrySeconds=0.5",
                "SessionGrains:BackchannelLogout:MaxRetrySeconds=2",
                "SessionGrains:BackchannelLogout:RequestTimeoutSeconds=2",
                "SessionGrains:BackchannelLogout:LeaseSeconds=10",
            ],
        };
        await using var cluster = await SiloProcessCluster.StartAsync(settings, silos);
        using var api = new ApiClient(cluster.Addresses[0], SiloSettings.TestOperatorKey);
        var tenant = TestData.Id("crash");
        await api.CreateTenantAsync(tenant);
        var (_, service) = await api.CreateKeyAsync(tenant, "service");
        (await api.PostAsync($"/api/v1/tenants/{tenant}/clients", api.OperatorKey, new
        {
            clientId = "portal", name = "Portal", backchannelLogoutUri = receiver.Url("rp"), backchannelLogoutSessionRequired = true,
        })).Expect(HttpStatusCode.Created);

        receiver.FailNext("rp", int.MaxValue);
        var sessions = new List<string>();
        for (var i = 0; i < Sessions; i++)
        {
            sessions.Add((await api.SignInAsync(tenant, service, TestData.Id("u"))).Str("sessionId"));
        }

        // Half end one by one, the rest by a logout-all: both ways into the outbox.
        foreach (var sessionId in sessions.Take(Sessions / 2))
        {
            (await api.DeleteAsync($"/api/v1/tenants/{tenant}/sessions/{sessionId}", api.OperatorKey)).Expect(HttpStatusCode.NoContent);
        }

        (await api.PostAsync($"/api/v1/tenants/{tenant}/logout-all", api.OperatorKey, null)).Expect(HttpStatusCode.OK);
        await Poll.UntilAsync(
            _ => Task.FromResult(receiver.Requests("rp").Select(Sid).Distinct().Count() == Sessions), Limit,
            () => $"{receiver.Requests("rp").Count} refused attempts, not every session's\n{cluster.Output()}", CancellationToken.None);

        await cluster.KillAsync(0);
        receiver.FailNext("rp", 0);
        if (silos == 1)
        {
            await cluster.StartAsync(0);
        }

        await Poll.UntilAsync(
            _ => Task.FromResult(receiver.Accepted("rp").Count >= Sessions), Limit,
            () => $"{receiver.Accepted("rp").Count} of {Sessions} delivered\n{cluster.Output()}", CancellationToken.None);
        using var survivor = new ApiClient(cluster.Addresses[silos - 1], SiloSettings.TestOperatorKey);
        await Poll.UntilAsync(async _ =>
                (await survivor.GetAsync($"/api/v1/tenants/{tenant}/clients/portal/backchannel-logout", survivor.OperatorKey)).Expect(HttpStatusCode.OK).Json
                ["delivered"]!.GetValue<long>() == Sessions,
            Limit, () => "the outbox never recorded every delivery", CancellationToken.None);

        var accepted = receiver.Accepted("rp").Select(Sid).ToList();
        Assert.Equal(sessions.Order(), accepted.Order());
        var progress = (await survivor.GetAsync($"/api/v1/tenants/{tenant}/clients/portal/backchannel-logout", survivor.OperatorKey)).Json;
        Assert.Equal(0, progress["pending"]!.GetValue<long>());
        Assert.Equal(0, progress["failed"]!.GetValue<long>());
    }

    [Fact]
    public async Task A_graceful_stop_lets_a_notice_on_the_wire_finish_and_records_it()
    {
        await using var receiver = await LogoutReceiver.StartAsync();
        var settings = SiloSettings.Fresh(await databases.CreateAsync(CancellationToken.None)) with
        {
            // A lease far longer than the test: a notice not recorded at the stop would still be pending after it.
            Configuration = ["SessionGrains:BackchannelLogout:PollIntervalMilliseconds=50", "SessionGrains:BackchannelLogout:LeaseSeconds=600"],
        };
        await using var cluster = await SiloProcessCluster.StartAsync(settings, 1);
        using var api = new ApiClient(cluster.Addresses[0], SiloSettings.TestOperatorKey);
        var tenant = TestData.Id("stop");
        await api.CreateTenantAsync(tenant);
        var (_, service) = await api.CreateKeyAsync(tenant, "service");
        (await api.PostAsync($"/api/v1/tenants/{tenant}/clients", api.OperatorKey, new
        {
            clientId = "portal", name = "Portal", backchannelLogoutUri = receiver.Url("rp"),
        })).Expect(HttpStatusCode.Created);
        receiver.Hold("rp");
        var sessionId = (await api.SignInAsync(tenant, service, TestData.Id("u"))).Str("sessionId");
        (await api.DeleteAsync($"/api/v1/tenants/{tenant}/sessions/{sessionId}", api.OperatorKey)).Expect(HttpStatusCode.NoContent);
        await Poll.UntilAsync(_ => Task.FromResult(receiver.Waiting("rp") == 1), Limit, () => "the notice was never sent", CancellationToken.None);

        // SIGTERM while the receiver holds the request; it answers once the silo is stopping.
        var stopping = cluster.StopAsync(0);
        using (var probe = new HttpClient { BaseAddress = cluster.Addresses[0], Timeout = TimeSpan.FromSeconds(5) })
        {
            await Poll.UntilAsync(async _ =>
            {
                try
                {
                    return (await probe.GetAsync("/health/ready")).StatusCode != HttpStatusCode.OK;
                }
                catch (HttpRequestException)
                {
                    return true;
                }
            }, Limit, () => "the silo never began to stop", CancellationToken.None);
        }

        receiver.Release("rp");
        Assert.Equal(0, await stopping);

        await cluster.StartAsync(0);
        var progress = (await api.GetAsync($"/api/v1/tenants/{tenant}/clients/portal/backchannel-logout", api.OperatorKey)).Expect(HttpStatusCode.OK).Json;
        Assert.Equal(1, progress["delivered"]!.GetValue<long>());
        Assert.Equal(0, progress["pending"]!.GetValue<long>());
        Assert.Single(receiver.Requests("rp"));
    }

    private static string Sid(LogoutReceiver.Request request) => Sid(request.Token!);

    private static string Sid(string token) => new JsonWebToken(token).GetPayloadValue<string>("sid");
}

[Trait("Category", "Cluster")]
public sealed class SqliteBackchannelLogoutCrashTests(SqliteDatabases databases)
    : BackchannelLogoutCrashTests(databases, silos: 1), IClassFixture<SqliteDatabases>;

[Trait("Category", "Cluster")]
[Collection(PostgresCollection.Name)]
public sealed class PostgresBackchannelLogoutCrashTests(PostgresDatabases databases) : BackchannelLogoutCrashTests(databases, silos: 2);
