using System.Net;
using System.Text.Json.Nodes;
using SessionGrains.Tests.Infrastructure;

namespace SessionGrains.Tests.Api;

/// <summary>The session lifecycle as an identity provider sees it, over real HTTP.</summary>
[Trait("Category", "Cluster")]
[Collection(SiloCollection.Name)]
public sealed class SessionLifecycleApiTests(SiloFixture fixture) : IAsyncLifetime
{
    private readonly string _tenant = TestData.Id("life");
    private string _service = "";
    private string _admin = "";

    private ApiClient Api => fixture.Api;

    private string Sessions => $"/api/v1/tenants/{_tenant}/sessions";

    public async Task InitializeAsync()
    {
        await Api.CreateTenantAsync(_tenant);
        _service = (await Api.CreateKeyAsync(_tenant, "service")).Key;
        _admin = (await Api.CreateKeyAsync(_tenant, "tenant-admin")).Key;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private Task SetPolicyAsync(int idle = 1800, int absolute = 36000, int max = 0, string onLimit = "deny", int grace = 0) =>
        Api.PutAsync($"/api/v1/tenants/{_tenant}/policy", _admin, new
        {
            idleTimeoutSeconds = idle, absoluteLifetimeSeconds = absolute, maxSessionsPerUser = max,
            onSessionLimit = onLimit, refreshReuseGraceSeconds = grace,
        }).ContinueWith(t => t.Result.Expect(HttpStatusCode.OK));

    private Task<JsonObject> ValidateAsync(string token) => Api.ValidateAsync(_tenant, _service, token);

    [Fact]
    public async Task Sign_in_returns_tokens_that_validate_with_everything_the_gateway_needs()
    {
        (await Api.PostAsync($"/api/v1/tenants/{_tenant}/microtenants", _admin, new { microtenantId = "emea", name = "EMEA" })).Expect(HttpStatusCode.Created);
        var response = await Api.PostAsync(Sessions, _service, new
        {
            userId = "u-42", userEmail = "ada@acme.test", sessionName = "Chrome on Mac", kind = "user",
            clientId = "portal", clientType = "browser", identityProvider = "okta", ipAddress = "2001:db8::7",
            userAgent = "Mozilla/5.0", microtenantId = "emea",
            device = new { deviceId = "d-1", hostname = "ada-mbp", os = "macOS 15.1" },
            claims = new { groups = "eng", level = 3 },
        });

        var created = response.Expect(HttpStatusCode.Created).Json;
        var now = fixture.Time.GetUtcNow();
        Assert.Matches("^[A-Za-z0-9_-]{22}$", created.Str("sessionId"));
        Assert.NotEqual(created.Str("token"), created.Str("refreshToken"));
        Assert.EndsWith("Z", created.Str("expiresAt"));
        Assert.Equal(now.AddSeconds(36000), DateTimeOffset.Parse(created.Str("expiresAt")), TimeSpan.FromMilliseconds(1));
        Assert.Equal(now.AddSeconds(1800), DateTimeOffset.Parse(created.Str("idleExpiresAt")), TimeSpan.FromMilliseconds(1));

        var json = await ValidateAsync(created.Str("token"));

        Assert.True(json["active"]!.GetValue<bool>());
        Assert.Equal(created.Str("sessionId"), json.Str("sessionId"));
        Assert.Equal("u-42", json.Str("userId"));
        Assert.Equal("ada@acme.test", json.Str("userEmail"));
        Assert.Equal("emea", json.Str("microtenantId"));
        Assert.Equal("portal", json.Str("clientId"));
        Assert.Equal(3, json["claims"]!["level"]!.GetValue<int>());
        Assert.Equal("eng", json["claims"]!["groups"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_token_is_only_valid_in_its_own_tenant()
    {
        var other = TestData.Id("life");
        await Api.CreateTenantAsync(other);
        var otherService = (await Api.CreateKeyAsync(other, "service")).Key;
        var token = (await Api.SignInAsync(_tenant, _service, "ada")).Str("token");

        var json = await Api.ValidateAsync(other, otherService, token);

        Assert.False(json["active"]!.GetValue<bool>());
        Assert.Equal("unknown", json.Str("reason"));
    }

    [Fact]
    public async Task Refresh_rotates_and_a_reused_refresh_token_ends_the_session()
    {
        var first = await Api.SignInAsync(_tenant, _service, "ada");

        var second = (await Api.PostAsync($"{Sessions}/refresh", _service, new { refreshToken = first.Str("refreshToken") }))
            .Expect(HttpStatusCode.OK).Json;

        Assert.Equal(first.Str("sessionId"), second.Str("sessionId"));
        Assert.Equal("unknown", (await ValidateAsync(first.Str("token"))).Str("reason"));
        Assert.True((await ValidateAsync(second.Str("token")))["active"]!.GetValue<bool>());

        (await Api.PostAsync($"{Sessions}/refresh", _service, new { refreshToken = first.Str("refreshToken") }))
            .ExpectProblem(HttpStatusCode.Unauthorized, "refresh_token_reused");
        Assert.Equal("terminated", (await ValidateAsync(second.Str("token"))).Str("reason"));
        (await Api.PostAsync($"{Sessions}/refresh", _service, new { refreshToken = second.Str("refreshToken") }))
            .ExpectProblem(HttpStatusCode.Unauthorized, "invalid_refresh_token");
    }

    [Fact]
    public async Task The_reuse_grace_of_the_policy_lets_a_racing_client_refresh_twice()
    {
        await SetPolicyAsync(grace: 30);
        var first = await Api.SignInAsync(_tenant, _service, "ada");
        (await Api.PostAsync($"{Sessions}/refresh", _service, new { refreshToken = first.Str("refreshToken") })).Expect(HttpStatusCode.OK);
        fixture.Time.Advance(TimeSpan.FromSeconds(10));

        var again = (await Api.PostAsync($"{Sessions}/refresh", _service, new { refreshToken = first.Str("refreshToken") }))
            .Expect(HttpStatusCode.OK).Json;

        Assert.True((await ValidateAsync(again.Str("token")))["active"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Validation_does_not_write_to_storage_each_time()
    {
        var session = await Api.SignInAsync(_tenant, _service, "ada");
        var before = await StoredVersionAsync(session.Str("sessionId"));

        for (var i = 0; i < 50; i++)
        {
            fixture.Time.Advance(TimeSpan.FromSeconds(1));
            Assert.True((await ValidateAsync(session.Str("token")))["active"]!.GetValue<bool>());
        }

        Assert.Equal(before, await StoredVersionAsync(session.Str("sessionId")));
        (await Api.PostAsync($"{Sessions}/logout", _service, new { token = session.Str("token") })).Expect(HttpStatusCode.NoContent);
        Assert.Equal(before + 1, await StoredVersionAsync(session.Str("sessionId")));
    }

    /// <summary>The stored version of a session's row: it grows by one per storage write.</summary>
    private async Task<long> StoredVersionAsync(string sessionId)
    {
        await using var connection = new Microsoft.Data.Sqlite.SqliteConnection(fixture.Silo.Settings.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT Version FROM Sessions WHERE TenantId = $tenant AND SessionId = $session";
        command.Parameters.AddWithValue("$tenant", _tenant);
        command.Parameters.AddWithValue("$session", sessionId);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    [Fact]
    public async Task Logout_ends_the_session_and_is_idempotent()
    {
        var session = await Api.SignInAsync(_tenant, _service, "ada");

        (await Api.PostAsync($"{Sessions}/logout", _service, new { token = session.Str("token") })).Expect(HttpStatusCode.NoContent);

        Assert.Equal("terminated", (await ValidateAsync(session.Str("token"))).Str("reason"));
        (await Api.PostAsync($"{Sessions}/logout", _service, new { token = session.Str("token") })).Expect(HttpStatusCode.NoContent);
        (await Api.PostAsync($"{Sessions}/refresh", _service, new { refreshToken = session.Str("refreshToken") }))
            .ExpectProblem(HttpStatusCode.Unauthorized, "invalid_refresh_token");
    }

    [Fact]
    public async Task Idle_sessions_expire_and_validation_counts_as_activity()
    {
        await SetPolicyAsync(idle: 300);
        var token = (await Api.SignInAsync(_tenant, _service, "ada")).Str("token");
        fixture.Time.Advance(TimeSpan.FromSeconds(200));
        var active = await ValidateAsync(token);
        Assert.True(active["active"]!.GetValue<bool>());
        Assert.Equal(fixture.Time.GetUtcNow().AddSeconds(300), DateTimeOffset.Parse(active.Str("idleExpiresAt")), TimeSpan.FromMilliseconds(1));
        fixture.Time.Advance(TimeSpan.FromSeconds(200));
        Assert.True((await ValidateAsync(token))["active"]!.GetValue<bool>());

        fixture.Time.Advance(TimeSpan.FromSeconds(301));

        Assert.Equal("expired", (await ValidateAsync(token)).Str("reason"));
    }

    [Fact]
    public async Task The_absolute_lifetime_is_enforced()
    {
        await SetPolicyAsync(idle: 0, absolute: 60);
        var token = (await Api.SignInAsync(_tenant, _service, "ada")).Str("token");
        fixture.Time.Advance(TimeSpan.FromSeconds(61));

        Assert.Equal("expired", (await ValidateAsync(token)).Str("reason"));
    }

    [Fact]
    public async Task The_session_limit_denies_with_409()
    {
        await SetPolicyAsync(max: 2, onLimit: "deny");
        await Api.SignInAsync(_tenant, _service, "ada");
        await Api.SignInAsync(_tenant, _service, "ada");

        (await Api.PostAsync(Sessions, _service, new { userId = "ada", clientId = "portal", ipAddress = "10.0.0.1" }))
            .ExpectProblem(HttpStatusCode.Conflict, "session_limit_reached");
        await Api.SignInAsync(_tenant, _service, "grace");
    }

    [Fact]
    public async Task The_session_limit_can_evict_the_oldest_session()
    {
        await SetPolicyAsync(max: 1, onLimit: "evict-oldest");
        var oldest = await Api.SignInAsync(_tenant, _service, "ada");
        fixture.Time.Advance(TimeSpan.FromSeconds(1));

        var newest = await Api.SignInAsync(_tenant, _service, "ada");

        Assert.Equal("terminated", (await ValidateAsync(oldest.Str("token"))).Str("reason"));
        Assert.True((await ValidateAsync(newest.Str("token")))["active"]!.GetValue<bool>());
    }

    /// <summary>Creates microtenants of this test's tenant and a service key scoped to each.</summary>
    private async Task<string[]> ScopedServiceKeysAsync(params string[] microtenants)
    {
        var keys = new List<string>();
        foreach (var microtenant in microtenants)
        {
            (await Api.PostAsync($"/api/v1/tenants/{_tenant}/microtenants", _admin, new { microtenantId = microtenant, name = microtenant }))
                .Expect(HttpStatusCode.Created);
            keys.Add((await Api.CreateKeyAsync(_tenant, "service", microtenant)).Key);
        }

        return [.. keys];
    }

    private static bool IsActive(JsonObject validation) => validation["active"]!.GetValue<bool>();

    [Fact]
    public async Task Eviction_by_a_scoped_sign_in_ends_only_that_microtenants_sessions()
    {
        var keys = await ScopedServiceKeysAsync("emea", "apac");
        await SetPolicyAsync(max: 1, onLimit: "evict-oldest");
        var apac = await Api.SignInAsync(_tenant, keys[1], "ada");
        fixture.Time.Advance(TimeSpan.FromSeconds(1));

        var emea = await Api.SignInAsync(_tenant, keys[0], "ada");

        Assert.True(IsActive(await ValidateAsync(apac.Str("token"))), "an emea sign-in evicted the user's apac session");
        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        var emeaAgain = await Api.SignInAsync(_tenant, keys[0], "ada");
        Assert.Equal("terminated", (await ValidateAsync(emea.Str("token"))).Str("reason"));
        Assert.True(IsActive(await ValidateAsync(emeaAgain.Str("token"))));
        Assert.True(IsActive(await ValidateAsync(apac.Str("token"))));

        // An unscoped sign-in without a microtenant is in the tenant-level scope: it evicts neither.
        var tenantLevel = await Api.SignInAsync(_tenant, _service, "ada");
        Assert.True(IsActive(await ValidateAsync(apac.Str("token"))));
        Assert.True(IsActive(await ValidateAsync(emeaAgain.Str("token"))));
        Assert.True(IsActive(await ValidateAsync(tenantLevel.Str("token"))));
    }

    [Fact]
    public async Task Another_microtenants_sessions_do_not_use_up_a_scoped_sign_ins_limit()
    {
        var keys = await ScopedServiceKeysAsync("emea", "apac");
        await SetPolicyAsync(max: 1, onLimit: "deny");
        await Api.SignInAsync(_tenant, keys[1], "ada");

        await Api.SignInAsync(_tenant, keys[0], "ada");

        (await Api.PostAsync(Sessions, keys[0], new { userId = "ada", clientId = "portal", ipAddress = "10.0.0.1" }))
            .ExpectProblem(HttpStatusCode.Conflict, "session_limit_reached");
        (await Api.PostAsync(Sessions, keys[1], new { userId = "ada", clientId = "portal", ipAddress = "10.0.0.1" }))
            .ExpectProblem(HttpStatusCode.Conflict, "session_limit_reached");
    }

    [Fact]
    public async Task An_unscoped_sign_in_naming_a_microtenant_the_tenant_does_not_have_is_400()
    {
        await ScopedServiceKeysAsync("emea");

        var problem = (await Api.PostAsync(Sessions, _service, new { userId = "ada", clientId = "portal", ipAddress = "10.0.0.1", microtenantId = "nowhere" }))
            .ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");

        Assert.NotNull(problem["errors"]?["microtenantId"]);
        (await Api.PostAsync(Sessions, _service, new { userId = "ada", clientId = "portal", ipAddress = "10.0.0.1", microtenantId = "emea" }))
            .Expect(HttpStatusCode.Created);
    }

    [Fact]
    public async Task A_deleted_key_is_refused_as_soon_as_the_delete_returns()
    {
        var (keyId, key) = await Api.CreateKeyAsync(_tenant, "service");
        var token = (await Api.SignInAsync(_tenant, key, "ada")).Str("token");
        await ValidateAsync(token);

        (await Api.DeleteAsync($"/api/v1/tenants/{_tenant}/api-keys/{keyId}", _admin)).Expect(HttpStatusCode.NoContent);

        (await Api.PostAsync($"{Sessions}/validate", key, new { token })).ExpectProblem(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task A_service_key_of_a_microtenant_works_inside_it_only()
    {
        (await Api.PostAsync($"/api/v1/tenants/{_tenant}/microtenants", _admin, new { microtenantId = "emea", name = "EMEA" })).Expect(HttpStatusCode.Created);
        var scoped = (await Api.CreateKeyAsync(_tenant, "service", "emea")).Key;
        var outside = await Api.SignInAsync(_tenant, _service, "grace");

        var inside = await Api.SignInAsync(_tenant, scoped, "ada");
        (await Api.PostAsync(Sessions, scoped, new { userId = "ada", clientId = "portal", ipAddress = "10.0.0.1", microtenantId = "apac" }))
            .ExpectProblem(HttpStatusCode.Forbidden, "forbidden");

        var mine = await Api.ValidateAsync(_tenant, scoped, inside.Str("token"));
        Assert.Equal("emea", mine.Str("microtenantId"));
        var theirs = await Api.ValidateAsync(_tenant, scoped, outside.Str("token"));
        Assert.Equal("unknown", theirs.Str("reason"));
        (await Api.PostAsync($"{Sessions}/refresh", scoped, new { refreshToken = outside.Str("refreshToken") }))
            .ExpectProblem(HttpStatusCode.Unauthorized, "invalid_refresh_token");
        (await Api.PostAsync($"{Sessions}/logout", scoped, new { token = outside.Str("token") })).Expect(HttpStatusCode.NoContent);
        Assert.True((await ValidateAsync(outside.Str("token")))["active"]!.GetValue<bool>());
        Assert.True((await ValidateAsync(inside.Str("token")))["active"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Keys_are_listed_without_secrets()
    {
        var (keyId, key) = await Api.CreateKeyAsync(_tenant, "auditor");

        var response = await Api.GetAsync($"/api/v1/tenants/{_tenant}/api-keys?pageSize=500", _admin);

        var page = response.Expect(HttpStatusCode.OK).Json;
        Assert.Equal(3, page["total"]!.GetValue<int>());
        var listed = page["items"]!.AsArray().Single(k => k!["keyId"]!.GetValue<string>() == keyId)!.AsObject();
        Assert.Equal("auditor", listed.Str("role"));
        Assert.Null(listed["key"]);
        Assert.DoesNotContain(key.Split('.')[3], response.Body);
    }

    [Fact]
    public async Task Tenants_list_in_pages_with_an_exact_total()
    {
        var all = (await Api.GetAsync("/api/v1/tenants?pageSize=500", Api.OperatorKey)).Expect(HttpStatusCode.OK).Json;
        var total = all["total"]!.GetValue<int>();
        Assert.Contains(all["items"]!.AsArray(), t => t!["tenantId"]!.GetValue<string>() == _tenant);

        var page = (await Api.GetAsync("/api/v1/tenants?page=2&pageSize=1", Api.OperatorKey)).Expect(HttpStatusCode.OK).Json;

        Assert.Equal(total, page["total"]!.GetValue<int>());
        Assert.Equal(2, page["page"]!.GetValue<int>());
        Assert.Equal(1, page["pageSize"]!.GetValue<int>());
        Assert.Single(page["items"]!.AsArray());
        Assert.Equal(all["items"]![1]!["tenantId"]!.GetValue<string>(), page["items"]![0]!["tenantId"]!.GetValue<string>());
    }

    [Fact]
    public async Task Health_and_the_openapi_document_answer()
    {
        (await Api.GetAsync("/health/live", null)).Expect(HttpStatusCode.OK);
        (await Api.GetAsync("/health/ready", null)).Expect(HttpStatusCode.OK);
        var openApi = (await Api.GetAsync("/openapi/v1.json", null)).Expect(HttpStatusCode.OK).Json;
        var paths = openApi["paths"]!.AsObject();
        Assert.Contains("/api/v1/tenants/{tenantId}/sessions/validate", paths.Select(p => p.Key));
        Assert.Contains("/api/v1/tenants/{tenantId}/api-keys/{keyId}", paths.Select(p => p.Key));
    }
}
