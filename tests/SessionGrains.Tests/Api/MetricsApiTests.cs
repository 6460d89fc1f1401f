using System.Net;
using Microsoft.Extensions.DependencyInjection;
using SessionGrains.Tests.Infrastructure;
using SessionGrains.Tests.Infrastructure.Faults;

namespace SessionGrains.Tests.Api;

/// <summary>
/// <c>GET /metrics</c> on the real host: Prometheus text without a key, counting what the API
/// did (read before and after, on a silo of its own so nothing else moves its counts), with the
/// HTTP server's, the Orleans runtime's and the .NET runtime's meters beside the product's, and
/// no tenant, user or session named anywhere in it.
/// </summary>
[Trait("Category", "Cluster")]
public sealed class MetricsApiTests(SqliteDatabases databases) : IClassFixture<SqliteDatabases>
{
    /// <summary>How long a scrape may lag what was recorded: the exporter caches its answer briefly.</summary>
    private static readonly TimeSpan ScrapeLag = TimeSpan.FromSeconds(10);

    private const string ValidateRoute = "/api/v1/tenants/{tenantId}/sessions/validate";

    private readonly string _tenant = TestData.Id("metrics");

    private static async Task<(Response Response, PrometheusText Metrics)> ScrapeAsync(ApiClient api, string? key = null)
    {
        var response = (await api.GetAsync("/metrics", key)).Expect(HttpStatusCode.OK);
        return (response, PrometheusText.Parse(response.Body));
    }

    /// <summary>Scrapes until <paramref name="fresh"/> holds (the answer is no longer a cached one), bounded in time.</summary>
    private static async Task<PrometheusText> ScrapeUntilAsync(ApiClient api, Func<PrometheusText, bool> fresh, string waitingFor)
    {
        PrometheusText? last = null;
        await Poll.UntilAsync(
            async _ =>
            {
                last = (await ScrapeAsync(api)).Metrics;
                return fresh(last);
            },
            ScrapeLag,
            () => $"/metrics did not show {waitingFor}.",
            CancellationToken.None);
        return last!;
    }

    [Fact]
    public async Task Metrics_answer_without_a_key_and_count_sign_ins_validations_ends_and_reuse_as_they_happened()
    {
        var database = await databases.CreateAsync(CancellationToken.None);
        await using var silo = await TestSilo.StartAsync(SiloSettings.Fresh(database));
        var api = silo.Api;
        var (first, before) = await ScrapeAsync(api);
        Assert.Equal("text/plain", first.MediaType);
        // Gauges report from the start, before any grain has recorded anything.
        Assert.Contains(before.Samples, s => s.Name == "sessiongrains_session_table_shards" && s.Value == 0);

        await api.CreateTenantAsync(_tenant);
        var service = (await api.CreateKeyAsync(_tenant, "service")).Key;
        var admin = (await api.CreateKeyAsync(_tenant, "tenant-admin")).Key;
        var sessions = $"/api/v1/tenants/{_tenant}/sessions";

        // Validated while live, terminated by an administrator, validated again.
        var ended = await api.SignInAsync(_tenant, service, TestData.Id("ada"));
        Assert.True((await api.ValidateAsync(_tenant, service, ended.Str("token")))["active"]!.GetValue<bool>());
        (await api.DeleteAsync($"{sessions}/{ended.Str("sessionId")}", admin)).Expect(HttpStatusCode.NoContent);
        Assert.Equal("terminated", (await api.ValidateAsync(_tenant, service, ended.Str("token"))).Str("reason"));

        // A refresh token rotated away and presented again.
        var stolen = await api.SignInAsync(_tenant, service, TestData.Id("bob"));
        (await api.PostAsync($"{sessions}/refresh", service, new { refreshToken = stolen.Str("refreshToken") })).Expect(HttpStatusCode.OK);
        (await api.PostAsync($"{sessions}/refresh", service, new { refreshToken = stolen.Str("refreshToken") }))
            .ExpectProblem(HttpStatusCode.Unauthorized, "refresh_token_reused");

        // A user at a limit of one session, refused a second.
        (await api.PutAsync($"/api/v1/tenants/{_tenant}/policy", admin, new
        {
            idleTimeoutSeconds = 1800, absoluteLifetimeSeconds = 36000, maxSessionsPerUser = 1,
            onSessionLimit = "deny", refreshReuseGraceSeconds = 0,
        })).Expect(HttpStatusCode.OK);
        var carol = TestData.Id("carol");
        var kept = await api.SignInAsync(_tenant, service, carol);
        (await api.PostAsync(sessions, service, new { userId = carol, clientId = "portal", ipAddress = "203.0.113.7" }))
            .ExpectProblem(HttpStatusCode.Conflict, "session_limit_reached");

        // A token that names no session: answered at the edge.
        Assert.Equal("unknown", (await api.ValidateAsync(_tenant, service, "sga.not-a-token")).Str("reason"));

        var after = await ScrapeUntilAsync(
            api, m => Moved(before, m, "sessiongrains_validations_total", ("result", "unknown")) >= 1, "the last validation");
        double Delta(string name, params (string, string)[] labels) => Moved(before, after, name, labels);

        Assert.Equal(3, Delta("sessiongrains_sign_ins_total", ("result", "created")));
        Assert.Equal(1, Delta("sessiongrains_sign_ins_total", ("result", "session_limit_reached")));
        Assert.Equal(4, Delta("sessiongrains_sign_ins_total"));
        Assert.Equal(1, Delta("sessiongrains_validations_total", ("result", "active")));
        Assert.Equal(1, Delta("sessiongrains_validations_total", ("result", "terminated")));
        Assert.Equal(1, Delta("sessiongrains_validations_total", ("result", "unknown")));
        Assert.Equal(3, Delta("sessiongrains_validations_total"));
        Assert.Equal(1, Delta("sessiongrains_session_ends_total", ("reason", "admin_terminated")));
        Assert.Equal(1, Delta("sessiongrains_session_ends_total", ("reason", "token_reuse")));
        Assert.Equal(2, Delta("sessiongrains_session_ends_total"));
        Assert.Equal(1, Delta("sessiongrains_refresh_token_reuses_total"));

        // Every session of the silo is in a shard it holds: the three signed in, ended or not.
        Assert.Equal(3, after.Sum("sessiongrains_session_table_sessions"));
        Assert.True(after.Sum("sessiongrains_session_table_shards") >= 1);
        Assert.True(Delta("sessiongrains_session_table_shard_load_duration_seconds_count") >= 1);

        // Two keys and a policy, each pushed to the one silo and acknowledged.
        var broadcasts = Delta("sessiongrains_tenant_cache_broadcast_duration_seconds_count");
        Assert.True(broadcasts >= 3, $"{broadcasts} broadcasts");
        Assert.Equal(broadcasts, Delta("sessiongrains_tenant_cache_push_duration_seconds_count"));
        Assert.Equal(0, Delta("sessiongrains_tenant_cache_push_unacknowledged_total"));

        // The framework's meters beside the product's: three validations over HTTP, and the runtimes.
        Assert.Equal(3, Delta("http_server_request_duration_seconds_count", ("http_route", ValidateRoute), ("http_request_method", "POST")));
        Assert.True(Delta("orleans_catalog_activation_created_total") >= 3);
        Assert.True(after.Has("dotnet_"));

        // No key is needed, and none is looked at: a tenant's key or the operator's changes nothing.
        Assert.True((await ScrapeAsync(api, service)).Metrics.Has("sessiongrains_"));
        Assert.True((await ScrapeAsync(api, api.OperatorKey)).Metrics.Has("sessiongrains_"));

        // Bounded tags: nothing in it names a tenant, user or session.
        var text = (await ScrapeAsync(api)).Response.Body;
        foreach (var name in new[] { _tenant, carol, ended.Str("sessionId"), stolen.Str("sessionId"), kept.Str("sessionId") })
        {
            Assert.DoesNotContain(name, text, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task A_restarted_silo_counts_the_rows_its_shards_load()
    {
        var database = await databases.CreateAsync(CancellationToken.None);
        var settings = SiloSettings.Fresh(database);
        await using (var silo = await TestSilo.StartAsync(settings))
        {
            await silo.Api.CreateTenantAsync(_tenant);
            var service = (await silo.Api.CreateKeyAsync(_tenant, "service")).Key;
            for (var i = 0; i < 5; i++)
            {
                await silo.Api.SignInAsync(_tenant, service, TestData.Id("user"));
            }
        }

        await using var restarted = await TestSilo.StartAsync(SiloSettings.Fresh(database));

        // The warm-up loads each of the tenant's shards (8 by default) in the background.
        var loaded = await ScrapeUntilAsync(
            restarted.Api, m => m.Sum("sessiongrains_session_table_shard_load_duration_seconds_count") >= 8, "eight shard loads");
        Assert.Equal(8, loaded.Sum("sessiongrains_session_table_shard_load_duration_seconds_count"));
        Assert.Equal(5, loaded.Sum("sessiongrains_session_table_rows_loaded_total"));
        Assert.Equal(5, loaded.Sum("sessiongrains_session_table_sessions"));
        Assert.Equal(8, loaded.Sum("sessiongrains_session_table_shards"));
    }

    [Fact]
    public async Task A_push_the_silo_never_acknowledges_is_counted_and_the_change_waits_the_lease()
    {
        var database = await databases.CreateAsync(CancellationToken.None);
        var settings = SiloSettings.Fresh(database) with { Configuration = ["SessionGrains:TenantCache:LeaseSeconds=1"] };
        await using var silo = await TestSilo.StartAsync(settings, configure: services => services.AddFaults());
        var faults = silo.Services.GetRequiredService<SiloFaults>();
        await silo.Api.CreateTenantAsync(_tenant);
        var before = (await ScrapeAsync(silo.Api)).Metrics;

        faults.DropPushes = true;
        try
        {
            await silo.Api.CreateKeyAsync(_tenant, "service");
        }
        finally
        {
            faults.ReleaseDropped();
        }

        var after = await ScrapeUntilAsync(
            silo.Api, m => Moved(before, m, "sessiongrains_tenant_cache_push_unacknowledged_total") >= 1, "the lost push");
        Assert.Equal(1, Moved(before, after, "sessiongrains_tenant_cache_push_unacknowledged_total"));
        Assert.Equal(0, Moved(before, after, "sessiongrains_tenant_cache_push_duration_seconds_count"));
        Assert.Equal(1, Moved(before, after, "sessiongrains_tenant_cache_broadcast_duration_seconds_count"));
        var waited = Moved(before, after, "sessiongrains_tenant_cache_broadcast_duration_seconds_sum");
        Assert.True(waited >= 1, $"The change waited {waited} s, less than the lease.");
    }

    private static double Moved(PrometheusText before, PrometheusText after, string name, params (string, string)[] labels) =>
        after.Sum(name, labels) - before.Sum(name, labels);
}
