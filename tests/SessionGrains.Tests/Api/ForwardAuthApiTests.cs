using System.Net;
using SessionGrains.Tests.Infrastructure;

namespace SessionGrains.Tests.Api;

/// <summary>
/// Forward auth as a gateway asks it, over real HTTP: every answer it can give. Bad user tokens
/// tried: none, a scheme other than Bearer, garbage, an oversized one, an unknown one of the right
/// form, an ended one, an expired one, one of another tenant, one outside the key's microtenant.
/// Bad gateway keys tried: none, garbage, an unknown one of the right form, a deleted one, the
/// operator key, a key in Authorization instead of X-Api-Key, keys of another role or tenant.
/// </summary>
[Trait("Category", "Cluster")]
[Collection(SiloCollection.Name)]
public sealed class ForwardAuthApiTests(SiloFixture fixture) : IAsyncLifetime
{
    private readonly string _tenant = TestData.Id("fwd");
    private string _service = "";
    private string _admin = "";

    private ApiClient Api => fixture.Api;

    public async Task InitializeAsync()
    {
        await Api.CreateTenantAsync(_tenant);
        _service = (await Api.CreateKeyAsync(_tenant, "service")).Key;
        _admin = (await Api.CreateKeyAsync(_tenant, "tenant-admin")).Key;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private Task<Response> ForwardAuthAsync(string? token, string? cookie = null, string? key = null) =>
        Api.ForwardAuthAsync(_tenant, key ?? _service, token, cookie);

    private async Task<string> SignInAsync(string userId = "ada", string? microtenantId = null, string? key = null) =>
        (await Api.PostAsync($"/api/v1/tenants/{_tenant}/sessions", key ?? _service, new
        {
            userId, userEmail = $"{userId}@acme.test", clientId = "portal", ipAddress = "203.0.113.7", microtenantId,
        })).Expect(HttpStatusCode.Created).Json.Str("token");

    private Task<Response> SetPolicyAsync(int idle = 1800, string? cookieName = null) =>
        Api.PutAsync($"/api/v1/tenants/{_tenant}/policy", _admin, cookieName is null
            ? new { idleTimeoutSeconds = idle, absoluteLifetimeSeconds = 36000, maxSessionsPerUser = 0, onSessionLimit = "deny", refreshReuseGraceSeconds = 0 }
            : (object)new
            {
                idleTimeoutSeconds = idle, absoluteLifetimeSeconds = 36000, maxSessionsPerUser = 0, onSessionLimit = "deny", refreshReuseGraceSeconds = 0,
                sessionCookieName = cookieName,
            });

    /// <summary>The 401 of a token that is not a live one of this tenant in the key's scope.</summary>
    private static void ExpectInvalidToken(Response response, bool presented = true)
    {
        response.ExpectProblem(HttpStatusCode.Unauthorized, "invalid_token");
        Assert.Equal(presented ? "Bearer error=\"invalid_token\"" : "Bearer", response.Challenge);
    }

    [Fact]
    public async Task A_live_bearer_token_passes_with_the_sessions_identity_in_headers_and_no_body()
    {
        (await Api.PostAsync($"/api/v1/tenants/{_tenant}/microtenants", _admin, new { microtenantId = "emea", name = "EMEA" })).Expect(HttpStatusCode.Created);
        var created = (await Api.PostAsync($"/api/v1/tenants/{_tenant}/sessions", _service, new
        {
            userId = "u-42", userEmail = "ada@acme.test", clientId = "portal", ipAddress = "203.0.113.7", microtenantId = "emea",
        })).Expect(HttpStatusCode.Created).Json;

        var response = await ForwardAuthAsync(created.Str("token"));

        response.Expect(HttpStatusCode.OK);
        Assert.Equal("", response.Body);
        Assert.Equal(created.Str("sessionId"), response.Header("X-Session-Id"));
        Assert.Equal("u-42", response.Header("X-User-Id"));
        Assert.Equal("ada@acme.test", response.Header("X-User-Email"));
        Assert.Equal("emea", response.Header("X-Microtenant-Id"));
        Assert.Equal("portal", response.Header("X-Client-Id"));
        Assert.Equal("no-store", response.Header("Cache-Control"));
    }

    [Fact]
    public async Task A_session_without_an_email_or_microtenant_gets_no_such_headers()
    {
        var token = (await Api.PostAsync($"/api/v1/tenants/{_tenant}/sessions", _service, new { userId = "bob", clientId = "cli", ipAddress = "203.0.113.7" }))
            .Expect(HttpStatusCode.Created).Json.Str("token");

        var response = (await ForwardAuthAsync(token)).Expect(HttpStatusCode.OK);

        Assert.Equal("bob", response.Header("X-User-Id"));
        Assert.Equal("cli", response.Header("X-Client-Id"));
        Assert.Null(response.Header("X-User-Email"));
        Assert.Null(response.Header("X-Microtenant-Id"));
    }

    [Fact]
    public async Task An_email_a_header_cannot_carry_as_is_is_left_out_and_validate_still_has_it()
    {
        var token = (await Api.PostAsync($"/api/v1/tenants/{_tenant}/sessions", _service, new
        {
            userId = "jose", userEmail = "jos\u00e9@acme.test", clientId = "portal", ipAddress = "203.0.113.7",
        })).Expect(HttpStatusCode.Created).Json.Str("token");

        var response = (await ForwardAuthAsync(token)).Expect(HttpStatusCode.OK);

        Assert.Equal("jose", response.Header("X-User-Id"));
        Assert.Null(response.Header("X-User-Email"));
        Assert.Equal("jos\u00e9@acme.test", (await Api.ValidateAsync(_tenant, _service, token)).Str("userEmail"));
    }

    [Fact]
    public async Task The_token_may_come_in_the_default_session_cookie_among_others()
    {
        var token = await SignInAsync();

        var response = await ForwardAuthAsync(null, $"theme=dark; sg_session={token}; lang=en");

        Assert.Equal("ada", response.Expect(HttpStatusCode.OK).Header("X-User-Id"));
        ExpectInvalidToken(await ForwardAuthAsync(null, $"other_session={token}"), presented: false);
    }

    [Fact]
    public async Task A_bearer_header_wins_over_the_cookie_and_another_scheme_leaves_the_cookie_to_be_read()
    {
        var ada = await SignInAsync("ada");
        var bob = await SignInAsync("bob");

        Assert.Equal("ada", (await ForwardAuthAsync(ada, $"sg_session={bob}")).Expect(HttpStatusCode.OK).Header("X-User-Id"));

        using var basic = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/tenants/{_tenant}/forward-auth");
        basic.Headers.TryAddWithoutValidation("X-Api-Key", _service);
        basic.Headers.TryAddWithoutValidation("Authorization", "Basic dXNlcjpwYXNz");
        basic.Headers.TryAddWithoutValidation("Cookie", $"sg_session={bob}");
        Assert.Equal("bob", (await Api.SendAsync(basic)).Expect(HttpStatusCode.OK).Header("X-User-Id"));
    }

    [Fact]
    public async Task The_tenant_names_its_cookie_in_its_policy_and_a_policy_set_without_one_keeps_it()
    {
        var tenant = (await Api.GetAsync($"/api/v1/tenants/{_tenant}", _admin)).Expect(HttpStatusCode.OK).Json;
        Assert.Equal("sg_session", tenant["policy"]!["sessionCookieName"]!.GetValue<string>());

        var set = (await SetPolicyAsync(cookieName: "__Host-app.sid")).Expect(HttpStatusCode.OK).Json;
        Assert.Equal("__Host-app.sid", set.Str("sessionCookieName"));
        var token = await SignInAsync();

        Assert.Equal("ada", (await ForwardAuthAsync(null, $"__Host-app.sid={token}")).Expect(HttpStatusCode.OK).Header("X-User-Id"));
        ExpectInvalidToken(await ForwardAuthAsync(null, $"sg_session={token}"), presented: false);

        // A client that knows nothing of the setting sets the other fields and keeps the cookie's name.
        Assert.Equal("__Host-app.sid", (await SetPolicyAsync(idle: 600)).Expect(HttpStatusCode.OK).Json.Str("sessionCookieName"));
        var read = (await Api.GetAsync($"/api/v1/tenants/{_tenant}", _admin)).Expect(HttpStatusCode.OK).Json;
        Assert.Equal("__Host-app.sid", read["policy"]!["sessionCookieName"]!.GetValue<string>());
        Assert.Equal(600, read["policy"]!["idleTimeoutSeconds"]!.GetValue<int>());
        Assert.Equal("ada", (await ForwardAuthAsync(null, $"__Host-app.sid={token}")).Expect(HttpStatusCode.OK).Header("X-User-Id"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a b")]
    [InlineData("a;b")]
    [InlineData("a=b")]
    [InlineData("sid\"")]
    [InlineData("caf\u00e9")]
    [InlineData("tab\there")]
    [InlineData("x65")]
    public async Task A_cookie_name_that_is_no_RFC_6265_token_of_1_to_64_characters_is_refused(string name)
    {
        name = name == "x65" ? new string('x', 65) : name;

        var problem = (await SetPolicyAsync(cookieName: name)).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");

        Assert.NotNull(problem["errors"]!["sessionCookieName"]);
        var tenant = (await Api.GetAsync($"/api/v1/tenants/{_tenant}", _admin)).Expect(HttpStatusCode.OK).Json;
        Assert.Equal("sg_session", tenant["policy"]!["sessionCookieName"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_64_character_cookie_name_is_taken()
    {
        var name = new string('s', 64);
        Assert.Equal(name, (await SetPolicyAsync(cookieName: name)).Expect(HttpStatusCode.OK).Json.Str("sessionCookieName"));
    }

    [Fact]
    public async Task An_ended_token_gets_401_with_a_bearer_challenge()
    {
        var token = await SignInAsync();
        (await Api.PostAsync($"/api/v1/tenants/{_tenant}/sessions/logout", _service, new { token })).Expect(HttpStatusCode.NoContent);

        ExpectInvalidToken(await ForwardAuthAsync(token));
        ExpectInvalidToken(await ForwardAuthAsync(null, $"sg_session={token}"));
    }

    [Fact]
    public async Task A_renewed_sessions_token_gets_401_until_the_client_refreshes()
    {
        var session = (await Api.PostAsync($"/api/v1/tenants/{_tenant}/sessions", _service, new
        {
            userId = "ada", clientId = "portal", ipAddress = "203.0.113.7",
        })).Expect(HttpStatusCode.Created).Json;
        (await Api.PostAsync($"/api/v1/tenants/{_tenant}/sessions/{session.Str("sessionId")}/renew", _admin, new { claims = new { level = 2 } }))
            .Expect(HttpStatusCode.NoContent);

        ExpectInvalidToken(await ForwardAuthAsync(session.Str("token")));

        var refreshed = (await Api.PostAsync($"/api/v1/tenants/{_tenant}/sessions/refresh", _service, new { refreshToken = session.Str("refreshToken") }))
            .Expect(HttpStatusCode.OK).Json;
        Assert.Equal(session.Str("sessionId"), (await ForwardAuthAsync(refreshed.Str("token"))).Expect(HttpStatusCode.OK).Header("X-Session-Id"));
    }

    [Fact]
    public async Task Forward_auth_counts_as_activity_and_an_idle_session_expires()
    {
        (await SetPolicyAsync(idle: 300)).Expect(HttpStatusCode.OK);
        var token = await SignInAsync();

        // 400 s in all, past the idle timeout of 300 s: alive only because forward auth was activity.
        fixture.Time.Advance(TimeSpan.FromSeconds(200));
        (await ForwardAuthAsync(token)).Expect(HttpStatusCode.OK);
        fixture.Time.Advance(TimeSpan.FromSeconds(200));
        (await ForwardAuthAsync(null, $"sg_session={token}")).Expect(HttpStatusCode.OK);
        var validated = await Api.ValidateAsync(_tenant, _service, token);
        Assert.True(validated["active"]!.GetValue<bool>());

        fixture.Time.Advance(TimeSpan.FromSeconds(301));

        ExpectInvalidToken(await ForwardAuthAsync(token));
        Assert.Equal("expired", (await Api.ValidateAsync(_tenant, _service, token)).Str("reason"));
    }

    [Fact]
    public async Task A_token_of_another_tenant_gets_401_and_another_tenants_key_403()
    {
        var other = TestData.Id("fwd");
        await Api.CreateTenantAsync(other);
        var otherService = (await Api.CreateKeyAsync(other, "service")).Key;
        var otherToken = (await Api.SignInAsync(other, otherService, "eve")).Str("token");

        ExpectInvalidToken(await ForwardAuthAsync(otherToken));
        (await Api.ForwardAuthAsync(_tenant, otherService, await SignInAsync())).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal("eve", (await Api.ForwardAuthAsync(other, otherService, otherToken)).Expect(HttpStatusCode.OK).Header("X-User-Id"));
    }

    [Fact]
    public async Task A_scoped_service_key_passes_only_its_microtenants_sessions()
    {
        foreach (var microtenantId in new[] { "emea", "apac" })
        {
            (await Api.PostAsync($"/api/v1/tenants/{_tenant}/microtenants", _admin, new { microtenantId, name = microtenantId }))
                .Expect(HttpStatusCode.Created);
        }

        var scoped = (await Api.CreateKeyAsync(_tenant, "service", "emea")).Key;
        var emea = await SignInAsync("ada", "emea");
        var apac = await SignInAsync("bob", "apac");
        var root = await SignInAsync("cyd");

        Assert.Equal("emea", (await ForwardAuthAsync(emea, key: scoped)).Expect(HttpStatusCode.OK).Header("X-Microtenant-Id"));
        ExpectInvalidToken(await ForwardAuthAsync(apac, key: scoped));
        ExpectInvalidToken(await ForwardAuthAsync(root, key: scoped));

        // Not seeing it is all: the sessions live on for a key that sees them.
        Assert.Equal("apac", (await ForwardAuthAsync(apac)).Expect(HttpStatusCode.OK).Header("X-Microtenant-Id"));
        (await ForwardAuthAsync(root)).Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_missing_garbage_oversized_or_unknown_token_gets_401()
    {
        var live = await SignInAsync();
        var parts = live.Split('.');
        var unknown = string.Join('.', parts[0], parts[1], parts[2], new string('A', parts[3].Length));

        ExpectInvalidToken(await ForwardAuthAsync(null), presented: false);
        // An empty token is none: no error in the challenge (RFC 6750 §3.1).
        ExpectInvalidToken(await ForwardAuthAsync(null, "sg_session="), presented: false);
        ExpectInvalidToken(await ForwardAuthAsync(""), presented: false);
        ExpectInvalidToken(await ForwardAuthAsync("not-a-token"));
        ExpectInvalidToken(await ForwardAuthAsync(new string('a', 16_000)));
        ExpectInvalidToken(await ForwardAuthAsync(null, $"sg_session={new string('a', 16_000)}"));
        ExpectInvalidToken(await ForwardAuthAsync(unknown));
        ExpectInvalidToken(await ForwardAuthAsync(_service));
        (await ForwardAuthAsync(live)).Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_missing_or_unknown_gateway_key_gets_403_invalid_gateway_key_and_another_role_403_forbidden()
    {
        var token = await SignInAsync();
        var deleted = await Api.CreateKeyAsync(_tenant, "service");
        (await Api.DeleteAsync($"/api/v1/tenants/{_tenant}/api-keys/{deleted.KeyId}", Api.OperatorKey)).Expect(HttpStatusCode.NoContent);
        var parts = _service.Split('.');
        var wrongSecret = string.Join('.', parts[0], parts[1], parts[2], new string('A', parts[3].Length));

        foreach (var key in new[] { "", "garbage", wrongSecret, deleted.Key, Api.OperatorKey, $"Bearer {_service}", new string('k', 16_000) })
        {
            var refused = await Api.ForwardAuthAsync(_tenant, key, token);
            refused.ExpectProblem(HttpStatusCode.Forbidden, "invalid_gateway_key");
            Assert.Null(refused.Header("X-User-Id"));
        }

        (await Api.ForwardAuthAsync(_tenant, null, token)).ExpectProblem(HttpStatusCode.Forbidden, "invalid_gateway_key");

        // The key where every other route takes it is not the gateway's: Authorization is the user's.
        using var inAuthorization = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/tenants/{_tenant}/forward-auth");
        inAuthorization.Headers.TryAddWithoutValidation("Authorization", $"Bearer {_service}");
        (await Api.SendAsync(inAuthorization)).ExpectProblem(HttpStatusCode.Forbidden, "invalid_gateway_key");

        foreach (var role in new[] { "tenant-admin", "auditor", "microtenant-admin" })
        {
            var microtenant = role == "microtenant-admin" ? "emea" : null;
            if (microtenant is not null)
            {
                (await Api.PostAsync($"/api/v1/tenants/{_tenant}/microtenants", _admin, new { microtenantId = microtenant, name = "EMEA" })).Expect(HttpStatusCode.Created);
            }

            var key = (await Api.CreateKeyAsync(_tenant, role, microtenant)).Key;
            (await Api.ForwardAuthAsync(_tenant, key, token)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        }

        (await ForwardAuthAsync(token)).Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Forward_auth_is_lifecycle_traffic_and_leaves_nothing_in_the_audit_log()
    {
        var token = await SignInAsync();
        (await ForwardAuthAsync(token)).Expect(HttpStatusCode.OK);
        ExpectInvalidToken(await ForwardAuthAsync("not-a-token"));
        (await Api.ForwardAuthAsync(_tenant, _admin, token)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        (await Api.PostAsync($"/api/v1/tenants/{_tenant}/users/marker/logout", _admin, null)).Expect(HttpStatusCode.OK);

        // Audit records are stored before the answer leaves: the marker's is there, and nothing of forward auth.
        var log = (await Api.GetAsync($"/api/v1/tenants/{_tenant}/audit?pageSize=500", Api.OperatorKey)).Expect(HttpStatusCode.OK).Body;

        Assert.Contains("marker", log, StringComparison.Ordinal);
        Assert.DoesNotContain("forward-auth", log, StringComparison.Ordinal);
        Assert.DoesNotContain("access.denied", log, StringComparison.Ordinal);
    }
}
