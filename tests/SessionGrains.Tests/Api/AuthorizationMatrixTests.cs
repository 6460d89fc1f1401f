using System.Net;
using Microsoft.Extensions.DependencyInjection;
using SessionGrains.Tests.Infrastructure;

namespace SessionGrains.Tests.Api;

/// <summary>
/// Every route of this version against every kind of caller: missing, malformed, unknown and
/// deleted keys get 401; keys without the role, or of another tenant, get 403; keys scoped to a
/// microtenant get 403 on the tenant-wide routes their role would otherwise allow; the rest get
/// past authorization (whatever the route then answers).
/// </summary>
[Trait("Category", "Cluster")]
[Collection(SiloCollection.Name)]
public sealed class AuthorizationMatrixTests(SiloFixture fixture) : IAsyncLifetime
{
    private readonly string _tenant = TestData.Id("mx");
    private readonly string _other = TestData.Id("mx");
    private readonly Dictionary<string, string?> _keys = [];
    private string _token = "";

    private ApiClient Api => fixture.Api;

    public async Task InitializeAsync()
    {
        await Api.CreateTenantAsync(_tenant);
        await Api.CreateTenantAsync(_other);
        _keys["operator"] = Api.OperatorKey;
        _keys["tenant-admin"] = (await Api.CreateKeyAsync(_tenant, "tenant-admin")).Key;
        _keys["auditor"] = (await Api.CreateKeyAsync(_tenant, "auditor")).Key;
        _keys["service"] = (await Api.CreateKeyAsync(_tenant, "service")).Key;
        _keys["other-tenant-admin"] = (await Api.CreateKeyAsync(_other, "tenant-admin")).Key;
        _keys["other-service"] = (await Api.CreateKeyAsync(_other, "service")).Key;
        (await Api.PostAsync($"/api/v1/tenants/{_tenant}/microtenants", Api.OperatorKey, new { microtenantId = "emea", name = "EMEA" }))
            .Expect(HttpStatusCode.Created);
        _keys["microtenant-admin"] = (await Api.CreateKeyAsync(_tenant, "microtenant-admin", "emea")).Key;
        _keys["scoped-auditor"] = (await Api.CreateKeyAsync(_tenant, "auditor", "emea")).Key;
        _keys["scoped-service"] = (await Api.CreateKeyAsync(_tenant, "service", "emea")).Key;
        var deleted = await Api.CreateKeyAsync(_tenant, "tenant-admin");
        (await Api.DeleteAsync($"/api/v1/tenants/{_tenant}/api-keys/{deleted.KeyId}", Api.OperatorKey)).Expect(HttpStatusCode.NoContent);
        _keys["deleted"] = deleted.Key;
        _keys["none"] = null;
        _keys["malformed"] = "not-a-key";
        _keys["unknown"] = "sgk." + Convert.ToBase64String("x"u8).TrimEnd('=') + ".abc.0123456789012345678901234567890123456789012";
        _keys["wrong-operator"] = Api.OperatorKey + "x";
        _token = (await Api.SignInAsync(_tenant, _keys["service"]!, "matrix-user")).Str("token");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private sealed record Route(HttpMethod Method, string Path, object? Body, string[] Allowed);

    private IEnumerable<Route> Routes()
    {
        string[] op = ["operator"];

        // Tenant-wide reads: a scoped auditor is refused them (the tenant with its policy, the denylist).
        string[] tenantReaders = ["operator", "tenant-admin", "auditor"];

        // Lists a scoped auditor gets filtered to its microtenant (keys, microtenants).
        string[] readers = ["operator", "tenant-admin", "auditor", "scoped-auditor"];
        string[] admins = ["operator", "tenant-admin"];
        string[] lifecycle = ["operator", "tenant-admin", "service", "scoped-service"];
        string[] sessionReaders = ["operator", "tenant-admin", "auditor", "scoped-auditor", "microtenant-admin"];
        string[] sessionAdmins = ["operator", "tenant-admin", "microtenant-admin"];

        // Saved filters are every reader's own, whatever its tenant: only service keys are refused.
        string[] filterOwners = [.. sessionReaders, "other-tenant-admin"];
        var t = $"/api/v1/tenants/{_tenant}";
        yield return new(HttpMethod.Post, "/api/v1/tenants", new { tenantId = TestData.Id("new"), name = "New" }, op);
        yield return new(HttpMethod.Get, "/api/v1/tenants", null, op);
        yield return new(HttpMethod.Get, t, null, tenantReaders);
        yield return new(HttpMethod.Put, $"{t}/policy", new
        {
            idleTimeoutSeconds = 1800, absoluteLifetimeSeconds = 36000, maxSessionsPerUser = 0,
            onSessionLimit = "deny", refreshReuseGraceSeconds = 0,
        }, admins);
        yield return new(HttpMethod.Post, $"{t}/api-keys", new { name = "k", role = "auditor" }, admins);
        yield return new(HttpMethod.Get, $"{t}/api-keys", null, readers);
        yield return new(HttpMethod.Delete, $"{t}/api-keys/no-such-key", null, admins);
        yield return new(HttpMethod.Post, $"{t}/sessions", new { userId = "u-1", clientId = "portal", ipAddress = "10.0.0.1" }, lifecycle);
        yield return new(HttpMethod.Post, $"{t}/sessions/validate", new { token = _token }, lifecycle);
        yield return new(HttpMethod.Post, $"{t}/sessions/refresh", new { refreshToken = "nope" }, lifecycle);
        yield return new(HttpMethod.Post, $"{t}/sessions/logout", new { token = "nope" }, lifecycle);
        yield return new(HttpMethod.Post, $"{t}/microtenants", new { microtenantId = TestData.Id("m"), name = "M" }, admins);
        yield return new(HttpMethod.Get, $"{t}/microtenants", null, readers);
        yield return new(HttpMethod.Get, $"{t}/sessions", null, sessionReaders);
        yield return new(HttpMethod.Get, $"{t}/sessions/stats", null, sessionReaders);
        yield return new(HttpMethod.Get, $"{t}/sessions/no-such-session", null, sessionReaders);
        yield return new(HttpMethod.Delete, $"{t}/sessions/no-such-session", null, sessionAdmins);
        yield return new(HttpMethod.Post, $"{t}/sessions/terminate", new { sessionIds = new[] { "no-such-session" } }, sessionAdmins);
        yield return new(HttpMethod.Get, $"{t}/users/matrix-user/sessions", null, sessionReaders);
        yield return new(HttpMethod.Post, $"{t}/users/nobody/logout", null, sessionAdmins);
        yield return new(HttpMethod.Put, $"{t}/users/nobody/denylist", new { reason = "test" }, admins);
        yield return new(HttpMethod.Delete, $"{t}/users/nobody/denylist", null, admins);
        yield return new(HttpMethod.Get, $"{t}/denylist", null, tenantReaders);
        yield return new(HttpMethod.Post, $"{t}/logout-all", new { clientId = "nothing-uses-this" }, admins);
        yield return new(HttpMethod.Get, "/api/v1/me/filters", null, filterOwners);
        yield return new(HttpMethod.Put, "/api/v1/me/filters/matrix", new { query = new { status = "active" } }, filterOwners);
        yield return new(HttpMethod.Delete, "/api/v1/me/filters/no-such-filter", null, filterOwners);
    }

    [Theory]
    [InlineData("none")]
    [InlineData("malformed")]
    [InlineData("unknown")]
    [InlineData("deleted")]
    [InlineData("wrong-operator")]
    public async Task Callers_without_a_known_key_get_401_everywhere(string caller)
    {
        foreach (var route in Routes())
        {
            var response = await Api.SendAsync(route.Method, route.Path, _keys[caller], route.Body);
            response.ExpectProblem(HttpStatusCode.Unauthorized, "unauthorized");
        }
    }

    [Theory]
    [InlineData("operator")]
    [InlineData("tenant-admin")]
    [InlineData("auditor")]
    [InlineData("service")]
    [InlineData("microtenant-admin")]
    [InlineData("scoped-auditor")]
    [InlineData("scoped-service")]
    [InlineData("other-tenant-admin")]
    [InlineData("other-service")]
    public async Task Known_keys_get_exactly_the_routes_their_role_and_tenant_allow(string caller)
    {
        var failures = new List<string>();
        foreach (var route in Routes())
        {
            var response = await Api.SendAsync(route.Method, route.Path, _keys[caller], route.Body);
            var allowed = route.Allowed.Contains(caller);
            var refused = response.Status == HttpStatusCode.Forbidden
                || (response.Status == HttpStatusCode.Unauthorized && response.Body.Contains("\"unauthorized\""));
            if (allowed == refused || (!allowed && response.Status != HttpStatusCode.Forbidden))
            {
                failures.Add($"{route.Method} {route.Path}: {(int)response.Status} {response.Body}");
            }
            else if (!allowed)
            {
                response.ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
            }
        }

        Assert.True(failures.Count == 0, $"{caller}:\n{string.Join("\n", failures)}");
    }

    [Fact]
    public async Task The_operator_gets_404_tenant_not_found_on_every_route_of_an_unknown_tenant()
    {
        var ghost = TestData.Id("ghost");
        var tenantRoutes = Routes().Where(r => r.Path.StartsWith($"/api/v1/tenants/{_tenant}", StringComparison.Ordinal)).ToList();

        Assert.NotEmpty(tenantRoutes);
        foreach (var route in tenantRoutes)
        {
            var response = await Api.SendAsync(route.Method, route.Path.Replace(_tenant, ghost), Api.OperatorKey, route.Body);
            response.ExpectProblem(HttpStatusCode.NotFound, "tenant_not_found");
        }

        // Nothing above created the tenant or anything in it,
        (await Api.GetAsync($"/api/v1/tenants/{ghost}", Api.OperatorKey)).ExpectProblem(HttpStatusCode.NotFound, "tenant_not_found");

        // nor left anything of it running: no tenant grain, shard, user, session or denylist grain.
        await fixture.Silo.Services.GetRequiredService<IGrainFactory>().NoneRemainAsync([ghost]);
    }

    [Fact]
    public async Task A_forbidden_answer_does_not_say_whether_the_other_tenants_object_exists()
    {
        var existing = await Api.GetAsync($"/api/v1/tenants/{_other}", _keys["tenant-admin"]);
        var missing = await Api.GetAsync($"/api/v1/tenants/{TestData.Id("ghost")}", _keys["tenant-admin"]);

        existing.ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        missing.ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(existing.Json.ToJsonString(), missing.Json.ToJsonString());
    }
}
