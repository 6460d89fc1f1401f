using System.Net;
using System.Security.Cryptography;
using System.Text.Json;
using SessionGrains.Tests.Infrastructure;

namespace SessionGrains.Tests.Storage;

/// <summary>
/// The real host on PostgreSQL, over real HTTP: sessions survive a restart of the whole cluster,
/// and two silos on one database form one cluster that honours revocation at once.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresHostTests(PostgresDatabases databases)
{
    private readonly string _operatorKey = Convert.ToHexString(RandomNumberGenerator.GetBytes(32));
    private readonly string _clusterId = $"pg-test-{Guid.NewGuid():N}";
    private readonly string _tenant = $"t-{Guid.NewGuid():N}";

    [Fact]
    public async Task Sessions_and_logouts_survive_a_restart_of_the_cluster()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var ct = timeout.Token;
        var db = await databases.CreateAsync(ct);
        var cs = db.ConnectionString;

        string serviceKey, liveToken, loggedOutToken, liveSessionId;
        await using (var silo = await PostgresSilo.StartAsync(cs, _clusterId, _operatorKey, ct))
        {
            serviceKey = await CreateTenantAndServiceKeyAsync(silo, ct);
            var live = await SignInAsync(silo, serviceKey, "u-1", ct);
            var ended = await SignInAsync(silo, serviceKey, "u-2", ct);
            liveToken = live.GetProperty("token").GetString()!;
            liveSessionId = live.GetProperty("sessionId").GetString()!;
            loggedOutToken = ended.GetProperty("token").GetString()!;
            await silo.CallAsync(HttpMethod.Post, $"{Tenant}/sessions/logout", serviceKey, new { token = loggedOutToken }, HttpStatusCode.NoContent, ct);
            Assert.False(await IsActiveAsync(silo, serviceKey, loggedOutToken, ct));
            Assert.True(await IsActiveAsync(silo, serviceKey, liveToken, ct));
            await silo.StopAsync(ct);
        }

        // The state is in PostgreSQL, and the stopped silo told the membership table it left.
        Assert.True((long)(await db.ScalarAsync("SELECT count(*) FROM OrleansStorage WHERE PayloadBinary IS NOT NULL", ct))! >= 2);
        Assert.Equal(2L, await db.ScalarAsync("SELECT count(*) FROM Sessions", ct));
        Assert.Equal($"{Dead}", await SiloStatusesAsync(db, ct));

        // Nothing survives in memory: a new host in the same process starts from the database alone.
        await using (var silo = await PostgresSilo.StartAsync(cs, _clusterId, _operatorKey, ct))
        {
            var answer = await ValidateAsync(silo, serviceKey, liveToken, ct);
            Assert.True(answer.GetProperty("active").GetBoolean(), answer.ToString());
            Assert.Equal(liveSessionId, answer.GetProperty("sessionId").GetString());
            Assert.Equal("u-1", answer.GetProperty("userId").GetString());

            var ended = await ValidateAsync(silo, serviceKey, loggedOutToken, ct);
            Assert.False(ended.GetProperty("active").GetBoolean());
            Assert.Equal("terminated", ended.GetProperty("reason").GetString());
        }
    }

    [Fact]
    public async Task Two_silos_on_one_database_form_one_cluster_and_revoke_everywhere_at_once()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var ct = timeout.Token;
        var db = await databases.CreateAsync(ct);
        var cs = db.ConnectionString;

        await using var silos = await StartTwoSilosAsync(cs, ct);
        var (a, b) = (silos.A, silos.B);
        Assert.Equal($"{Active},{Active}", await SiloStatusesAsync(db, ct));

        var serviceKey = await CreateTenantAndServiceKeyAsync(a, ct);
        var keyId = (await a.CallAsync(HttpMethod.Get, $"{Tenant}/api-keys", _operatorKey, null, HttpStatusCode.OK, ct))
            .GetProperty("items")[0].GetProperty("keyId").GetString()!;

        // A session opened through A is one grain of the cluster: B validates it.
        var session = await SignInAsync(a, serviceKey, "u-1", ct);
        var token = session.GetProperty("token").GetString()!;
        var onB = await ValidateAsync(b, serviceKey, token, ct);
        Assert.True(onB.GetProperty("active").GetBoolean(), onB.ToString());
        Assert.Equal(session.GetProperty("sessionId").GetString(), onB.GetProperty("sessionId").GetString());

        // B has the key in its tenant cache now; the delete through A must reach it before it returns.
        await a.CallAsync(HttpMethod.Delete, $"{Tenant}/api-keys/{keyId}", _operatorKey, null, HttpStatusCode.NoContent, ct);
        await b.CallAsync(HttpMethod.Post, $"{Tenant}/sessions/validate", serviceKey, new { token }, HttpStatusCode.Unauthorized, ct);
        await a.CallAsync(HttpMethod.Post, $"{Tenant}/sessions/validate", serviceKey, new { token }, HttpStatusCode.Unauthorized, ct);

        // The session itself is untouched; only the key is gone.
        var second = await CreateServiceKeyAsync(a, ct);
        Assert.True(await IsActiveAsync(b, second, token, ct));
    }

    [Fact]
    public async Task Every_kind_of_end_through_one_silo_holds_on_the_other_at_once()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(4));
        var ct = timeout.Token;
        var db = await databases.CreateAsync(ct);
        var cs = db.ConnectionString;
        await using var cluster = await StartTwoSilosAsync(cs, ct);
        var (a, b) = (cluster.A, cluster.B);
        var serviceKey = await CreateTenantAndServiceKeyAsync(a, ct);
        PostgresSilo[] silos = [a, b];

        // Sessions opened through both silos, so their grains and shards spread over both.
        var tokens = new Dictionary<string, List<string>>();
        for (var i = 0; i < 24; i++)
        {
            var user = $"u-{i % 6}";
            var session = await SignInAsync(silos[i % 2], serviceKey, user, ct);
            tokens.TryAdd(user, []);
            tokens[user].Add(session.GetProperty("token").GetString()!);
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
        await b.CallAsync(HttpMethod.Delete, $"{Tenant}/sessions/{sessionId}", _operatorKey, null, HttpStatusCode.NoContent, ct);
        await AssertEndedEverywhere([one]);

        await a.CallAsync(HttpMethod.Post, $"{Tenant}/users/u-1/logout", _operatorKey, null, HttpStatusCode.OK, ct);
        await AssertEndedEverywhere(tokens["u-1"]);

        await b.CallAsync(HttpMethod.Put, $"{Tenant}/users/u-2/denylist", _operatorKey, new { reason = "test" }, HttpStatusCode.OK, ct);
        await AssertEndedEverywhere(tokens["u-2"]);
        await a.CallAsync(HttpMethod.Post, $"{Tenant}/sessions", serviceKey,
            new { userId = "u-2", clientId = "portal", ipAddress = "203.0.113.7" }, HttpStatusCode.Forbidden, ct);

        Assert.True(await IsActiveAsync(a, serviceKey, tokens["u-3"][0], ct));
        await Task.Delay(5, ct); // logout-all ends sessions created strictly before its not-before time.
        await a.CallAsync(HttpMethod.Post, $"{Tenant}/logout-all", _operatorKey, new { }, HttpStatusCode.OK, ct);
        await AssertEndedEverywhere(tokens.Values.SelectMany(t => t));

        // Both silos list the same table: every session, none active.
        foreach (var silo in silos)
        {
            var page = await silo.CallAsync(HttpMethod.Get, $"{Tenant}/sessions?pageSize=100", _operatorKey, null, HttpStatusCode.OK, ct);
            Assert.Equal(24, page.GetProperty("total").GetInt64());
            var stats = await silo.CallAsync(HttpMethod.Get, $"{Tenant}/sessions/stats", _operatorKey, null, HttpStatusCode.OK, ct);
            Assert.Equal(0, stats.GetProperty("active").GetInt64());
            Assert.Equal(24, stats.GetProperty("total").GetInt64());
        }
    }

    /// <summary>Two silos of one cluster on one database, each seeing the other as active.</summary>
    private async Task<TwoSilos> StartTwoSilosAsync(string cs, CancellationToken ct)
    {
        var silos = new TwoSilos(
            await PostgresSilo.StartAsync(cs, _clusterId, _operatorKey, ct),
            await PostgresSilo.StartAsync(cs, _clusterId, _operatorKey, ct));
        await silos.A.WaitForActiveSilosAsync(2, ct);
        await silos.B.WaitForActiveSilosAsync(2, ct);
        return silos;
    }

    private sealed record TwoSilos(PostgresSilo A, PostgresSilo B) : IAsyncDisposable
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

    private async Task<string> SiloStatusesAsync(TestDatabase db, CancellationToken ct) =>
        (string)(await db.ScalarAsync(
            "SELECT string_agg(Status::text, ',' ORDER BY Status) FROM OrleansMembershipTable WHERE DeploymentId = @p0", ct, _clusterId))!;

    private async Task<string> CreateTenantAndServiceKeyAsync(PostgresSilo silo, CancellationToken ct)
    {
        await silo.CallAsync(HttpMethod.Post, "/api/v1/tenants", _operatorKey, new { tenantId = _tenant, name = "Postgres test" }, HttpStatusCode.Created, ct);
        return await CreateServiceKeyAsync(silo, ct);
    }

    private async Task<string> CreateServiceKeyAsync(PostgresSilo silo, CancellationToken ct)
    {
        var key = await silo.CallAsync(HttpMethod.Post, $"{Tenant}/api-keys", _operatorKey, new { name = "idp", role = "service" }, HttpStatusCode.Created, ct);
        return key.GetProperty("key").GetString()!;
    }

    private Task<JsonElement> SignInAsync(PostgresSilo silo, string serviceKey, string userId, CancellationToken ct) =>
        silo.CallAsync(HttpMethod.Post, $"{Tenant}/sessions", serviceKey,
            new { userId, clientId = "portal", ipAddress = "203.0.113.7", userAgent = "tests" }, HttpStatusCode.Created, ct);

    private Task<JsonElement> ValidateAsync(PostgresSilo silo, string serviceKey, string token, CancellationToken ct) =>
        silo.CallAsync(HttpMethod.Post, $"{Tenant}/sessions/validate", serviceKey, new { token }, HttpStatusCode.OK, ct);

    private async Task<bool> IsActiveAsync(PostgresSilo silo, string serviceKey, string token, CancellationToken ct) =>
        (await ValidateAsync(silo, serviceKey, token, ct)).GetProperty("active").GetBoolean();
}
