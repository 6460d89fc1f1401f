using System.Net;
using System.Text;
using Microsoft.Extensions.Time.Testing;
using SessionGrains.Tests.Infrastructure;

namespace SessionGrains.Tests.Api;

/// <summary>
/// Rate limits through the HTTP API of a silo of their own, with small limits and a fake clock
/// that moves the windows: a key over its limit gets 429 rate_limited with Retry-After and
/// recovers after the window; keys and policies count apart (the lifecycle routes by their
/// metadata); refused keys count per address; health, metrics and the document are never
/// limited; 0 turns a limit off; a bad limit stops the start. Bad settings tried: a negative
/// limit, windows of 0 and of more than a day, a limit that is not a number.
/// </summary>
[Trait("Category", "Cluster")]
public sealed class RateLimitTests(SqliteDatabases databases) : IClassFixture<SqliteDatabases>
{
    private const string Tenant = "acme";
    private const int AdminLimit = 6;
    private const int LifecycleLimit = 8;
    private const int RefusalLimit = 3;
    private const int RefusalWindowSeconds = 60;

    private static readonly string[] SmallLimits =
    [
        $"SessionGrains:RateLimits:Admin:PermitLimit={AdminLimit}",
        "SessionGrains:RateLimits:Admin:WindowSeconds=60",
        $"SessionGrains:RateLimits:Lifecycle:PermitLimit={LifecycleLimit}",
        "SessionGrains:RateLimits:Lifecycle:WindowSeconds=10",
        $"SessionGrains:RateLimits:Unauthenticated:PermitLimit={RefusalLimit}",
        "SessionGrains:RateLimits:Unauthenticated:WindowSeconds=60",
    ];

    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));

    [Fact]
    public async Task A_key_over_its_admin_limit_gets_429_until_the_window_ends_and_other_keys_are_unaffected()
    {
        await using var silo = await StartAsync(SmallLimits);
        var api = silo.Api;
        await api.CreateTenantAsync(Tenant);
        var first = (await api.CreateKeyAsync(Tenant, "tenant-admin")).Key;
        var second = (await api.CreateKeyAsync(Tenant, "tenant-admin")).Key;
        var sessions = $"/api/v1/tenants/{Tenant}/sessions";

        for (var i = 0; i < AdminLimit; i++)
        {
            (await api.GetAsync(sessions, first)).Expect(HttpStatusCode.OK);
        }

        var refused = await api.GetAsync(sessions, first);
        ExpectRateLimited(refused, maxSeconds: 60);
        // Every admin route counts against the same limit, a change as much as a read.
        ExpectRateLimited(await api.PostAsync($"/api/v1/tenants/{Tenant}/logout-all", first, new { clientId = (string?)null }), maxSeconds: 60);

        (await api.GetAsync(sessions, second)).Expect(HttpStatusCode.OK);
        (await api.GetAsync($"/api/v1/tenants/{Tenant}", api.OperatorKey)).Expect(HttpStatusCode.OK);

        // Retry-After is the rest of the window: a second before its end still refused, then served.
        _time.Advance(refused.RetryAfter!.Value - TimeSpan.FromSeconds(1));
        ExpectRateLimited(await api.GetAsync(sessions, first), maxSeconds: 1);

        _time.Advance(TimeSpan.FromSeconds(1));
        for (var i = 0; i < AdminLimit; i++)
        {
            (await api.GetAsync(sessions, first)).Expect(HttpStatusCode.OK);
        }

        ExpectRateLimited(await api.GetAsync(sessions, first), maxSeconds: 60);
    }

    [Fact]
    public async Task The_lifecycle_routes_have_their_own_limit_per_key()
    {
        await using var silo = await StartAsync(SmallLimits);
        var api = silo.Api;
        await api.CreateTenantAsync(Tenant);
        var service = (await api.CreateKeyAsync(Tenant, "service")).Key;
        var admin = (await api.CreateKeyAsync(Tenant, "tenant-admin")).Key;

        // The service key's admin count used up (its admin calls are 403, and count all the same).
        for (var i = 0; i < AdminLimit; i++)
        {
            (await api.GetAsync($"/api/v1/tenants/{Tenant}/sessions", service)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        }

        ExpectRateLimited(await api.GetAsync($"/api/v1/tenants/{Tenant}/sessions", service), maxSeconds: 60);

        // ... leaves its lifecycle calls alone: sign-in, validate and logout count against their own limit.
        var token = (await api.SignInAsync(Tenant, service, "ada")).Str("token");
        for (var i = 1; i < LifecycleLimit - 1; i++)
        {
            Assert.True((await api.ValidateAsync(Tenant, service, token))["active"]!.GetValue<bool>());
        }

        (await api.PostAsync($"/api/v1/tenants/{Tenant}/sessions/logout", service, new { token = "sga.x.y.z" })).Expect(HttpStatusCode.NoContent);
        var validate = $"/api/v1/tenants/{Tenant}/sessions/validate";
        var refused = await api.PostAsync(validate, service, new { token });
        ExpectRateLimited(refused, maxSeconds: 10);

        // Another key's lifecycle count is its own, and so is every key's admin count.
        Assert.True((await api.ValidateAsync(Tenant, admin, token))["active"]!.GetValue<bool>());
        (await api.GetAsync($"/api/v1/tenants/{Tenant}/sessions", admin)).Expect(HttpStatusCode.OK);

        // The lifecycle window (10 s) ends before the admin one (60 s).
        _time.Advance(refused.RetryAfter!.Value);
        Assert.True((await api.ValidateAsync(Tenant, service, token))["active"]!.GetValue<bool>());
        ExpectRateLimited(await api.GetAsync($"/api/v1/tenants/{Tenant}/sessions", service), maxSeconds: 60);
    }

    [Fact]
    public async Task Refused_keys_count_per_address_and_over_the_limit_only_keys_of_held_tenants_are_checked()
    {
        await using var silo = await StartAsync(SmallLimits);
        var api = silo.Api;
        await api.CreateTenantAsync(Tenant);
        var (keyId, key) = await api.CreateKeyAsync(Tenant, "tenant-admin");
        var tenantPath = $"/api/v1/tenants/{Tenant}";

        // Known keys do not count against the address.
        for (var i = 0; i < RefusalLimit + 2; i++)
        {
            (await api.GetAsync(tenantPath, key)).Expect(HttpStatusCode.OK);
        }

        var wrongSecret = key[..^4] + (key.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");
        var refused = new[] { wrongSecret, "not-a-key", null };
        foreach (var bad in refused)
        {
            var answer = await api.GetAsync(tenantPath, bad);
            answer.ExpectProblem(HttpStatusCode.Unauthorized, "unauthorized");
            Assert.Null(answer.RetryAfter);
        }

        ExpectRateLimited(await api.GetAsync(tenantPath, wrongSecret), maxSeconds: 60);
        ExpectRateLimited(await api.GetAsync(tenantPath, null), maxSeconds: 60);
        // A well-formed key of a tenant this silo holds nothing of is refused without a lookup.
        var madeUp = $"sgk.{Convert.ToBase64String(Encoding.UTF8.GetBytes("nobody")).TrimEnd('=')}.{keyId}.{key.Split('.')[^1]}";
        ExpectRateLimited(await api.GetAsync("/api/v1/tenants/nobody", madeUp), maxSeconds: 60);
        // A body is not read: the answer comes first.
        ExpectRateLimited(await api.PostAsync($"{tenantPath}/sessions/validate", wrongSecret, new { token = "sga.x.y.z" }), maxSeconds: 60);

        // Working keys behind the same address are still served: the tenant's, and the operator's.
        (await api.GetAsync(tenantPath, key)).Expect(HttpStatusCode.OK);
        (await api.GetAsync("/api/v1/tenants", api.OperatorKey)).Expect(HttpStatusCode.OK);

        // Never limited, whatever the address has done.
        foreach (var open in new[] { "/health/live", "/health/ready", "/metrics", "/openapi/v1.json" })
        {
            (await api.GetAsync(open, null)).Expect(HttpStatusCode.OK);
        }

        _time.Advance(TimeSpan.FromSeconds(RefusalWindowSeconds));
        (await api.GetAsync(tenantPath, wrongSecret)).ExpectProblem(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task The_default_limits_are_on()
    {
        await using var silo = await StartAsync([]);
        var api = silo.Api;
        const int defaultRefusals = 30;
        for (var i = 0; i < defaultRefusals; i++)
        {
            (await api.GetAsync("/api/v1/tenants", "sgk.bad")).ExpectProblem(HttpStatusCode.Unauthorized, "unauthorized");
        }

        ExpectRateLimited(await api.GetAsync("/api/v1/tenants", "sgk.bad"), maxSeconds: 60);
    }

    [Fact]
    public async Task A_limit_of_0_is_no_limit()
    {
        await using var silo = await StartAsync(
        [
            "SessionGrains:RateLimits:Admin:PermitLimit=0",
            "SessionGrains:RateLimits:Lifecycle:PermitLimit=0",
            "SessionGrains:RateLimits:Unauthenticated:PermitLimit=0",
        ]);
        var api = silo.Api;
        await api.CreateTenantAsync(Tenant);
        var service = (await api.CreateKeyAsync(Tenant, "service")).Key;
        var token = (await api.SignInAsync(Tenant, service, "ada")).Str("token");

        // Well past every default limit but the lifecycle one, which is far too high to reach here.
        for (var i = 0; i < 640; i++)
        {
            (await api.GetAsync($"/api/v1/tenants/{Tenant}", api.OperatorKey)).Expect(HttpStatusCode.OK);
        }

        for (var i = 0; i < 40; i++)
        {
            (await api.GetAsync("/api/v1/tenants", "sgk.bad")).ExpectProblem(HttpStatusCode.Unauthorized, "unauthorized");
            Assert.True((await api.ValidateAsync(Tenant, service, token))["active"]!.GetValue<bool>());
        }
    }

    [Theory]
    [InlineData("SessionGrains:RateLimits:Admin:PermitLimit=-1", "SessionGrains:RateLimits:Admin:PermitLimit")]
    [InlineData("SessionGrains:RateLimits:Lifecycle:WindowSeconds=0", "SessionGrains:RateLimits:Lifecycle:WindowSeconds")]
    [InlineData("SessionGrains:RateLimits:Unauthenticated:WindowSeconds=86401", "SessionGrains:RateLimits:Unauthenticated:WindowSeconds")]
    [InlineData("SessionGrains:RateLimits:Admin:PermitLimit=many", "SessionGrains:RateLimits:Admin:PermitLimit")]
    public async Task A_bad_limit_stops_the_start_naming_its_key(string setting, string key)
    {
        var database = await databases.CreateAsync(CancellationToken.None);
        var settings = SiloSettings.Fresh(database) with { Configuration = [setting], RateLimited = true };

        var error = await Assert.ThrowsAnyAsync<Exception>(async () => await (await TestSilo.StartAsync(settings)).DisposeAsync());

        Assert.True(error.ToString().Contains(key, StringComparison.Ordinal), error.ToString());
    }

    private async Task<TestSilo> StartAsync(string[] configuration)
    {
        var database = await databases.CreateAsync(CancellationToken.None);
        return await TestSilo.StartAsync(SiloSettings.Fresh(database) with { Time = _time, Configuration = configuration, RateLimited = true });
    }

    private static void ExpectRateLimited(Response response, int maxSeconds)
    {
        response.ExpectProblem(HttpStatusCode.TooManyRequests, "rate_limited");
        Assert.NotNull(response.RetryAfter);
        Assert.InRange(response.RetryAfter!.Value, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(maxSeconds));
    }
}
