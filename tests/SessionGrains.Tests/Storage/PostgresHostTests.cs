using System.Net;
using System.Text.Json.Nodes;
using SessionGrains.Tests.Infrastructure;

namespace SessionGrains.Tests.Storage;

/// <summary>
/// The real host on PostgreSQL, over real HTTP: sessions survive a restart of the whole cluster,
/// and two silos on one database form one cluster that honours revocation at once.
/// </summary>
[Trait("Category", "Cluster")]
[Collection(PostgresCollection.Name)]
public sealed class PostgresHostTests(PostgresDatabases databases)
{
    private readonly string _tenant = $"t-{Guid.NewGuid():N}";

    [Fact]
    public async Task Sessions_and_logouts_survive_a_restart_of_the_cluster()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var ct = timeout.Token;
        var settings = await FreshAsync(ct);

        string serviceKey, liveToken, loggedOutToken, liveSessionId;
        await using (var silo = await TestSilo.StartAsync(settings, ct))
        {
            serviceKey = await CreateTenantAndServiceKeyAsync(silo, ct);
            var live = await SignInAsync(silo, serviceKey, "u-1", ct);
            var ended = await SignInAsync(silo, serviceKey, "u-2", ct);
            liveToken = live.Str("token");
            liveSessionId = live.Str("sessionId");
            loggedOutToken = ended.Str("token");
            await CallAsync(silo, HttpMethod.Post, $"{Tenant}/sessions/logout", serviceKey, new { token = loggedOutToken }, HttpStatusCode.NoContent, ct);
            Assert.False(await IsActiveAsync(silo, serviceKey, loggedOutToken, ct));
            Assert.True(await IsActiveAsync(silo, serviceKey, liveToken, ct));
            await silo.StopAsync(ct);
        }

        // The state is in PostgreSQL, and the stopped silo told the membership table it left.
        var database = settings.Database;
        Assert.True((long)(await database.ScalarAsync("SELECT count(*) FROM OrleansStorage WHERE PayloadBinary IS NOT NULL", ct))! >= 2);
        Assert.Equal(2L, await database.ScalarAsync("SELECT count(*) FROM Sessions", ct));
        Assert.Equal($"{Dead}", await SiloStatusesAsync(settings, ct));

        // Nothing survives in memory: a new host in the same process starts from the database alone.
        await using (var silo = await TestSilo.StartAsync(settings with { Ports = SiloPorts.Free() }, ct))
        {
            var answer = await ValidateAsync(silo, serviceKey, liveToken, ct);
            Assert.True(answer["active"]!.GetValue<bool>(), answer.ToJsonString());
            Assert.Equal(liveSessionId, answer.Str("sessionId"));
            Assert.Equal("u-1", answer.Str("userId"));

            var ended = await ValidateAsync(silo, serviceKey, loggedOutToken, ct);
            Assert.False(ended["active"]!.GetValue<bool>());
            Assert.Equal("terminated", ended.Str("reason"));
        }
    }

    [Fact]
    public async Task Two_silos_on_one_database_form_one_cluster_and_revoke_everywhere_at_once()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var ct = timeout.Token;
        var settings = await FreshAsync(ct);

        await using var silos = await StartTwoSilosAsync(settings, ct);
        var (a, b) = (silos.A, silos.B);
        Assert.Equal($"{Active},{Active}", await SiloStatusesAsync(settings, ct));

        var serviceKey = await CreateTenantAndServiceKeyAsync(a, ct);
        var keyId = (await CallAsync(a, HttpMethod.Get, $"{Tenant}/api-keys", a.Api.OperatorKey, null, HttpStatusCode.OK, ct))!
            ["items"]![0]!["keyId"]!.GetValue<string>();

        // A session opened through A is one grain of the cluster: B validates it.
        var session = await SignInAsync(a, serviceKey, "u-1", ct);
        var token = session.Str("token");
        var onB = await ValidateAsync(b, serviceKey, token, ct);
        Assert.True(onB["active"]!.GetValue<bool>(), onB.ToJsonString());
        Assert.Equal(session.Str("sessionId"), onB.Str("sessionId"));

        // B has the key in its tenant cache now; the delete through A must reach it before it returns.
        await CallAsync(a, HttpMethod.Delete, $"{Tenant}/api-keys/{keyId}", a.Api.OperatorKey, null, HttpStatusCode.NoContent, ct);
        await CallAsync(b, HttpMethod.Post, $"{Tenant}/sessions/validate", serviceKey, new { token }, HttpStatusCode.Unauthorized, ct);
        await CallAsync(a, HttpMethod.Post, $"{Tenant}/sessions/validate", serviceKey, new { token }, HttpStatusCode.Unauthorized, ct);

        // The session itself is untouched; only the key is gone.
        var second = await CreateServiceKeyAsync(a, ct);
        Assert.True(await IsActiveAsync(b, second, token, ct));
    }

    [Fact]
    public async Task Every_kind_of_end_through_one_silo_holds_on_the_other_at_once()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var ct = timeout.Token;
        await using var cluster = await StartTwoSilosAsync(await FreshAsync(ct), ct);
        var (a, b) = (cluster.A, cluster.B);
        var serviceKey = await CreateTenantAndServiceKeyAsync(a, ct);
        TestSilo[] silos = [a, b];

        // Sessions opened through both silos, so their grains and shards spread over both.
        var tokens = new Dictionary<string, List<string>>();
        for (var i = 0; i < 24; i++)
        {
            var user = $"u-{i % 6}";
            var session = await SignInAsync(silos[i % 2], serviceKey, user, ct);
            tokens.TryAdd(user, []);
            tokens[user].Add(session.Str("token"));
        }

        async Task AssertEndedEverywhere(IEnumerable<string> ended)
        {
            foreach (var token in ended)
            {
                foreach (var silo in silos)
                {
                    Assert.False(await IsActiveAsync(silo, serviceKey, token, ct));
                }
            }
        }

        var one = tokens["u-0"][0];
        var sessionId = one.Split('.')[2];
        var operatorKey = a.Api.OperatorKey;
        await CallAsync(b, HttpMethod.Delete, $"{Tenant}/sessions/{sessionId}", operatorKey, null, HttpStatusCode.NoContent, ct);
        await AssertEndedEverywhere([one]);

        await CallAsync(a, HttpMethod.Post, $"{Tenant}/users/u-1/logout", operatorKey, null, HttpStatusCode.OK, ct);
        await AssertEndedEverywhere(tokens["u-1"]);

        await CallAsync(b, HttpMethod.Put, $"{Tenant}/users/u-2/denylist", operatorKey, new { reason = "test" }, HttpStatusCode.OK, ct);
        await AssertEndedEverywhere(tokens["u-2"]);
        await CallAsync(a, HttpMethod.Post, $"{Tenant}/sessions", serviceKey,
            new { userId = "u-2", clientId = "portal", ipAddress = "203.0.113.7" }, HttpStatusCode.Forbidden, ct);

        Assert.True(await IsActiveAsync(a, serviceKey, tokens["u-3"][0], ct));
        await Task.Delay(5, ct); // logout-all ends sessions created strictly before its not-before time.
        await CallAsync(a, HttpMethod.Post, $"{Tenant}/logout-all", operatorKey, new { }, HttpStatusCode.OK, ct);
        await AssertEndedEverywhere(tokens.Values.SelectMany(t => t));

        // Both silos list the same table: every session, none active.
        foreach (var silo in silos)
        {
            var page = (await CallAsync(silo, HttpMethod.Get, $"{Tenant}/sessions?pageSize=100", operatorKey, null, HttpStatusCode.OK, ct))!;
            Assert.Equal(24, page["total"]!.GetValue<long>());
            var stats = (await CallAsync(silo, HttpMethod.Get, $"{Tenant}/sessions/stats", operatorKey, null, HttpStatusCode.OK, ct))!;
            Assert.Equal(0, stats["active"]!.GetValue<long>());
            Assert.Equal(24, stats["total"]!.GetValue<long>());
        }
    }

    /// <summary>
    /// A silo of a cluster of its own on a fresh database. Development, as these tests have always
    /// run: the host then also validates its service scopes.
    /// </summary>
    private async Task<SiloSettings> FreshAsync(CancellationToken ct) =>
        SiloSettings.Fresh(await databases.CreateAsync(ct)) with { Environment = "Development" };

    /// <summary>Two silos of one cluster on one database, each seeing the other as active.</summary>
    private static async Task<TwoSilos> StartTwoSilosAsync(SiloSettings settings, CancellationToken ct)
    {
        var silos = new TwoSilos(
            await TestSilo.StartAsync(settings, ct),
            await TestSilo.StartAsync(settings with { Ports = SiloPorts.Free() }, ct));
        await silos.A.WaitForActiveSilosAsync(2, ct);
        await silos.B.WaitForActiveSilosAsync(2, ct);
        return silos;
    }

    private sealed record TwoSilos(TestSilo A, TestSilo B) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await A.DisposeAsync();
            await B.DisposeAsync();
        }
    }

    // Orleans' SiloStatus values as the membership table stores them.
    private const int Active = 3;
    private const int Dead = 6;

    private string Tenant => $"/api/v1/tenants/{_tenant}";

    private static async Task<string> SiloStatusesAsync(SiloSettings settings, CancellationToken ct) =>
        (string)(await settings.Database.ScalarAsync(
            "SELECT string_agg(Status::text, ',' ORDER BY Status) FROM OrleansMembershipTable WHERE DeploymentId = @p0", ct, settings.ClusterId))!;

    /// <summary>Sends, asserts the status, and returns the JSON body (null for no body); a body that is not JSON fails.</summary>
    private static async Task<JsonNode?> CallAsync(
        TestSilo silo, HttpMethod method, string path, string key, object? body, HttpStatusCode expected, CancellationToken ct)
    {
        var response = (await silo.Api.SendAsync(method, path, key, body, cancellationToken: ct)).Expect(expected);
        return response.Body.Length == 0 ? null : JsonNode.Parse(response.Body);
    }

    private async Task<string> CreateTenantAndServiceKeyAsync(TestSilo silo, CancellationToken ct)
    {
        await CallAsync(silo, HttpMethod.Post, "/api/v1/tenants", silo.Api.OperatorKey, new { tenantId = _tenant, name = "Postgres test" }, HttpStatusCode.Created, ct);
        return await CreateServiceKeyAsync(silo, ct);
    }

    private async Task<string> CreateServiceKeyAsync(TestSilo silo, CancellationToken ct)
    {
        var key = await CallAsync(silo, HttpMethod.Post, $"{Tenant}/api-keys", silo.Api.OperatorKey, new { name = "idp", role = "service" }, HttpStatusCode.Created, ct);
        return key!["key"]!.GetValue<string>();
    }

    private async Task<JsonObject> SignInAsync(TestSilo silo, string serviceKey, string userId, CancellationToken ct) =>
        (await CallAsync(silo, HttpMethod.Post, $"{Tenant}/sessions", serviceKey,
            new { userId, clientId = "portal", ipAddress = "203.0.113.7", userAgent = "tests" }, HttpStatusCode.Created, ct))!.AsObject();

    private async Task<JsonObject> ValidateAsync(TestSilo silo, string serviceKey, string token, CancellationToken ct) =>
        (await CallAsync(silo, HttpMethod.Post, $"{Tenant}/sessions/validate", serviceKey, new { token }, HttpStatusCode.OK, ct))!.AsObject();

    private async Task<bool> IsActiveAsync(TestSilo silo, string serviceKey, string token, CancellationToken ct) =>
        (await ValidateAsync(silo, serviceKey, token, ct))["active"]!.GetValue<bool>();
}
