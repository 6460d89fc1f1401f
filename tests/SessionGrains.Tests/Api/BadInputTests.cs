using System.Net;
using SessionGrains.Tests.Infrastructure;

namespace SessionGrains.Tests.Api;

/// <summary>
/// Bad input gets a 4xx problem with a stable code, never a 500, and changes nothing. Tried here:
/// malformed JSON, wrong JSON types, empty and missing bodies, a wrong content type, an oversize
/// body, invalid identifiers in paths and bodies, over-long text, control characters, bad IP
/// addresses, non-object and oversize claims, unknown enum values, out-of-range policy numbers,
/// bad paging, deep offsets, bad and foreign cursors, unknown routes and wrong methods.
/// </summary>
[Trait("Category", "Cluster")]
[Collection(SiloCollection.Name)]
public sealed class BadInputTests(SiloFixture fixture) : IAsyncLifetime
{
    private readonly string _tenant = TestData.Id("bad");
    private string _service = "";

    private ApiClient Api => fixture.Api;

    private string Sessions => $"/api/v1/tenants/{_tenant}/sessions";

    public async Task InitializeAsync()
    {
        await Api.CreateTenantAsync(_tenant);
        _service = (await Api.CreateKeyAsync(_tenant, "service")).Key;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static object SignIn(string userId = "u-1", string clientId = "portal", string ipAddress = "203.0.113.7", string? userAgent = null,
        object? claims = null, string? kind = null, string? microtenantId = null, string? userEmail = null) =>
        new { userId, clientId, ipAddress, userAgent, claims, kind, microtenantId, userEmail };

    [Theory]
    [InlineData("{\"userId\":")]
    [InlineData("{\"userId\": \"u-1\", }")]
    [InlineData("not json")]
    [InlineData("[1,2,3]")]
    [InlineData("{\"userId\": 42, \"clientId\": \"c\", \"ipAddress\": \"10.0.0.1\"}")]
    [InlineData("{\"userId\": \"u\", \"clientId\": \"c\", \"ipAddress\": \"10.0.0.1\", \"device\": \"laptop\"}")]
    public async Task Malformed_or_mistyped_json_is_400(string body)
    {
        var response = await Api.SendAsync(HttpMethod.Post, Sessions, _service, rawBody: body);

        response.ExpectProblem(HttpStatusCode.BadRequest, "malformed_json");
    }

    [Fact]
    public async Task An_empty_body_is_400()
    {
        var response = await Api.SendAsync(HttpMethod.Post, Sessions, _service, rawBody: "");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("application/problem+json", response.MediaType);
    }

    [Fact]
    public async Task A_body_that_is_not_json_by_content_type_is_415()
    {
        var response = await Api.SendAsync(HttpMethod.Post, Sessions, _service, rawBody: "userId=u", contentType: "application/x-www-form-urlencoded");

        response.ExpectProblem(HttpStatusCode.UnsupportedMediaType, "unsupported_media_type");
    }

    [Fact]
    public async Task A_body_over_the_limit_is_413()
    {
        var response = await Api.SendAsync(HttpMethod.Post, Sessions, _service, rawBody: $"{{\"userId\":\"{new string('a', 70_000)}\"}}");

        response.ExpectProblem(HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
    }

    // The key is checked before the body is read: a caller without one learns nothing from the body's fate.
    [Theory]
    [InlineData(null, "{\"userId\":")]
    [InlineData(null, "not json")]
    [InlineData("not-a-key", "{\"userId\":")]
    public async Task Without_a_known_key_malformed_json_is_401(string? key, string body)
    {
        var response = await Api.SendAsync(HttpMethod.Post, Sessions, key, rawBody: body);

        response.ExpectProblem(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task Without_a_key_a_body_over_the_limit_is_401()
    {
        var response = await Api.SendAsync(HttpMethod.Post, Sessions, key: null, rawBody: $"{{\"userId\":\"{new string('a', 70_000)}\"}}");

        response.ExpectProblem(HttpStatusCode.Unauthorized, "unauthorized");

        // The body was never read, so the server cannot take another request on this connection;
        // it says so, or a client that reuses the connection finds it closed under its next request.
        Assert.True(response.ClosesConnection, "The 401 to an unread body did not say Connection: close.");
        (await Api.GetAsync("/api/v1/tenants", Api.OperatorKey)).Expect(HttpStatusCode.OK);
    }

    public static TheoryData<string, object> InvalidSignIns() => new()
    {
        { "userId", SignIn(userId: "") },
        { "userId", SignIn(userId: "has space") },
        { "userId", SignIn(userId: "slash/inside") },
        { "userId", SignIn(userId: new string('u', 129)) },
        { "userId", new { clientId = "portal", ipAddress = "10.0.0.1" } },
        { "clientId", SignIn(clientId: "ümlaut") },
        { "clientId", new { userId = "u", ipAddress = "10.0.0.1" } },
        { "ipAddress", SignIn(ipAddress: "999.1.1.1") },
        { "ipAddress", SignIn(ipAddress: "localhost") },
        { "ipAddress", new { userId = "u", clientId = "c" } },
        { "userAgent", SignIn(userAgent: new string('m', 1025)) },
        { "userEmail", SignIn(userEmail: "line\nbreak@acme.test") },
        { "claims", SignIn(claims: new[] { 1, 2 }) },
        { "claims", SignIn(claims: "a string") },
        { "claims", SignIn(claims: new { big = new string('c', 17_000) }) },
        { "kind", SignIn(kind: "robot") },
        { "microtenantId", SignIn(microtenantId: "emea!") },
    };

    [Theory]
    [MemberData(nameof(InvalidSignIns))]
    public async Task Invalid_sign_in_fields_are_400_and_name_the_field(string field, object body)
    {
        var response = await Api.PostAsync(Sessions, _service, body);

        var problem = response.ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.NotNull(problem["errors"]?[field]);
    }

    [Fact]
    public async Task A_refused_sign_in_creates_no_session()
    {
        var admin = (await Api.CreateKeyAsync(_tenant, "tenant-admin")).Key;
        (await Api.PostAsync(Sessions, _service, SignIn(userId: "nobody", ipAddress: "nope"))).Expect(HttpStatusCode.BadRequest);

        // The user can still sign in up to a limit of one: the refused attempt left nothing behind.
        (await Api.PutAsync($"/api/v1/tenants/{_tenant}/policy", admin, new
        {
            idleTimeoutSeconds = 1800, absoluteLifetimeSeconds = 36000, maxSessionsPerUser = 1,
            onSessionLimit = "deny", refreshReuseGraceSeconds = 0,
        })).Expect(HttpStatusCode.OK);
        await Api.SignInAsync(_tenant, _service, "nobody");
    }

    [Theory]
    [InlineData("/api/v1/tenants/bad%20id/sessions/validate")]
    [InlineData("/api/v1/tenants/%C3%BC/sessions/validate")]
    public async Task Invalid_tenant_ids_in_the_path_are_400(string path)
    {
        var response = await Api.PostAsync(path, Api.OperatorKey, new { token = "x" });

        var problem = response.ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.NotNull(problem["errors"]?["tenantId"]);
    }

    [Fact]
    public async Task A_tenant_that_does_not_exist_is_404_for_the_operator()
    {
        var response = await Api.PostAsync($"/api/v1/tenants/{TestData.Id("ghost")}/sessions", Api.OperatorKey, SignIn());

        response.ExpectProblem(HttpStatusCode.NotFound, "tenant_not_found");
    }

    [Fact]
    public async Task Validate_and_logout_need_a_token_field()
    {
        (await Api.PostAsync($"{Sessions}/validate", _service, new { })).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        (await Api.PostAsync($"{Sessions}/logout", _service, new { })).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        (await Api.PostAsync($"{Sessions}/refresh", _service, new { })).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("sga.!!!.x.y")]
    [InlineData("sga.YWNtZQ.sid.short")]
    [InlineData("sgr.YWNtZQ.sid.0123456789012345678901234567890123456789012")]
    public async Task Malformed_tokens_are_simply_not_active(string token)
    {
        var json = await Api.ValidateAsync(_tenant, _service, token);

        Assert.False(json["active"]!.GetValue<bool>());
        Assert.Equal("unknown", json.Str("reason"));
    }

    [Fact]
    public async Task A_huge_token_is_not_active_either()
    {
        var json = await Api.ValidateAsync(_tenant, _service, new string('x', 10_000));

        Assert.Equal("unknown", json.Str("reason"));
    }

    [Fact]
    public async Task Malformed_refresh_tokens_are_401_invalid_refresh_token()
    {
        (await Api.PostAsync($"{Sessions}/refresh", _service, new { refreshToken = "garbage" }))
            .ExpectProblem(HttpStatusCode.Unauthorized, "invalid_refresh_token");
    }

    public static TheoryData<string, object> InvalidPolicies() => new()
    {
        { "idleTimeoutSeconds", new { idleTimeoutSeconds = -1, absoluteLifetimeSeconds = 1, maxSessionsPerUser = 0, onSessionLimit = "deny", refreshReuseGraceSeconds = 0 } },
        { "absoluteLifetimeSeconds", new { idleTimeoutSeconds = 1, maxSessionsPerUser = 0, onSessionLimit = "deny", refreshReuseGraceSeconds = 0 } },
        { "maxSessionsPerUser", new { idleTimeoutSeconds = 1, absoluteLifetimeSeconds = 1, maxSessionsPerUser = -5, onSessionLimit = "deny", refreshReuseGraceSeconds = 0 } },
        { "onSessionLimit", new { idleTimeoutSeconds = 1, absoluteLifetimeSeconds = 1, maxSessionsPerUser = 0, onSessionLimit = "evict-newest", refreshReuseGraceSeconds = 0 } },
        { "refreshReuseGraceSeconds", new { idleTimeoutSeconds = 1, absoluteLifetimeSeconds = 1, maxSessionsPerUser = 0, onSessionLimit = "deny", refreshReuseGraceSeconds = 999_999 } },
    };

    [Theory]
    [MemberData(nameof(InvalidPolicies))]
    public async Task Invalid_policies_are_400_and_leave_the_policy_unchanged(string field, object body)
    {
        var before = (await Api.GetAsync($"/api/v1/tenants/{_tenant}", Api.OperatorKey)).Expect(HttpStatusCode.OK).Json["policy"]!.ToJsonString();

        var response = await Api.PutAsync($"/api/v1/tenants/{_tenant}/policy", Api.OperatorKey, body);

        var problem = response.ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.NotNull(problem["errors"]?[field]);
        var after = (await Api.GetAsync($"/api/v1/tenants/{_tenant}", Api.OperatorKey)).Json["policy"]!.ToJsonString();
        Assert.Equal(before, after);
    }

    [Fact]
    public async Task A_policy_number_too_big_for_an_int_is_400()
    {
        var response = await Api.SendAsync(HttpMethod.Put, $"/api/v1/tenants/{_tenant}/policy", Api.OperatorKey,
            rawBody: "{\"idleTimeoutSeconds\": 99999999999999999999}");

        response.ExpectProblem(HttpStatusCode.BadRequest, "malformed_json");
    }

    [Theory]
    [InlineData("{\"tenantId\": \"a b\", \"name\": \"x\"}", "tenantId")]
    [InlineData("{\"name\": \"x\"}", "tenantId")]
    [InlineData("{\"tenantId\": \"ok\"}", "name")]
    [InlineData("{\"tenantId\": \"ok\", \"name\": \"\"}", "name")]
    public async Task Invalid_tenants_are_400(string body, string field)
    {
        var response = await Api.SendAsync(HttpMethod.Post, "/api/v1/tenants", Api.OperatorKey, rawBody: body);

        Assert.NotNull(response.ExpectProblem(HttpStatusCode.BadRequest, "validation_failed")["errors"]?[field]);
    }

    [Fact]
    public async Task An_existing_tenant_is_409()
    {
        (await Api.PostAsync("/api/v1/tenants", Api.OperatorKey, new { tenantId = _tenant, name = "again" }))
            .ExpectProblem(HttpStatusCode.Conflict, "tenant_exists");
    }

    [Theory]
    [InlineData("{\"name\": \"k\", \"role\": \"root\"}", "role")]
    [InlineData("{\"name\": \"k\"}", "role")]
    [InlineData("{\"role\": \"service\"}", "name")]
    [InlineData("{\"name\": \"k\", \"role\": \"service\", \"microtenantId\": \"a/b\"}", "microtenantId")]
    public async Task Invalid_api_keys_are_400(string body, string field)
    {
        var response = await Api.SendAsync(HttpMethod.Post, $"/api/v1/tenants/{_tenant}/api-keys", Api.OperatorKey, rawBody: body);

        Assert.NotNull(response.ExpectProblem(HttpStatusCode.BadRequest, "validation_failed")["errors"]?[field]);
    }

    [Fact]
    public async Task Deleting_a_key_that_does_not_exist_is_404()
    {
        (await Api.DeleteAsync($"/api/v1/tenants/{_tenant}/api-keys/nope", Api.OperatorKey))
            .ExpectProblem(HttpStatusCode.NotFound, "api_key_not_found");
    }

    [Theory]
    [InlineData("page=0")]
    [InlineData("page=-1")]
    [InlineData("page=abc")]
    [InlineData("pageSize=501")]
    [InlineData("pageSize=0")]
    [InlineData("pageSize=1e3")]
    [InlineData("page=99999999999999")]
    public async Task Bad_paging_is_400(string query)
    {
        var response = await Api.GetAsync($"/api/v1/tenants?{query}", Api.OperatorKey);

        response.ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Theory]
    [InlineData("/api/v1/tenants", "page=1002&pageSize=10")]
    [InlineData("/api/v1/tenants", "page=22&pageSize=500")]
    [InlineData("/api/v1/tenants", "page=2147483647")]
    [InlineData("/api/v1/tenants/{tenant}/sessions", "page=10002&pageSize=1")]
    [InlineData("/api/v1/tenants/{tenant}/sessions", "page=202&pageSize=50&sort=userEmail")]
    [InlineData("/api/v1/tenants/{tenant}/users/u-1/sessions", "page=1002")]
    public async Task Deep_offsets_are_400_page_too_deep(string path, string query)
    {
        var response = await Api.GetAsync($"{path.Replace("{tenant}", _tenant)}?{query}", Api.OperatorKey);

        response.ExpectProblem(HttpStatusCode.BadRequest, "page_too_deep");
    }

    [Theory]
    [InlineData("/api/v1/tenants", "page=1001&pageSize=10")]
    [InlineData("/api/v1/tenants", "page=21&pageSize=500")]
    [InlineData("/api/v1/tenants/{tenant}/sessions", "page=10001&pageSize=1")]
    public async Task An_offset_of_exactly_10000_is_still_served(string path, string query)
    {
        var page = (await Api.GetAsync($"{path.Replace("{tenant}", _tenant)}?{query}", Api.OperatorKey)).Expect(HttpStatusCode.OK).Json;

        Assert.Empty(page["items"]!.AsArray());
    }

    /// <summary>A real cursor of the session table: three sessions, a page of one.</summary>
    private async Task<string> CursorAsync(string query)
    {
        foreach (var user in new[] { "u-1", "u-1", "u-1" })
        {
            (await Api.PostAsync(Sessions, _service, SignIn(userId: user, userEmail: $"{user}@acme.test"))).Expect(HttpStatusCode.Created);
        }

        var page = (await Api.GetAsync($"{Sessions}?{query}", Api.OperatorKey)).Expect(HttpStatusCode.OK).Json;
        return page["nextCursor"]?.GetValue<string>() ?? throw new Xunit.Sdk.XunitException($"no nextCursor in {page.ToJsonString()}");
    }

    [Fact]
    public async Task A_cursor_with_a_page_is_400_validation_failed()
    {
        var cursor = await CursorAsync("pageSize=1");

        var response = await Api.GetAsync($"{Sessions}?pageSize=1&page=2&cursor={Uri.EscapeDataString(cursor)}", Api.OperatorKey);

        Assert.NotNull(response.ExpectProblem(HttpStatusCode.BadRequest, "validation_failed")["errors"]?["cursor"]);
    }

    [Theory]
    [InlineData("pageSize=2")]
    [InlineData("pageSize=1&sort=createdAt")]
    [InlineData("pageSize=1&status=active")]
    [InlineData("pageSize=1&search=u-1")]
    [InlineData("pageSize=1&clientId=portal")]
    [InlineData("pageSize=1&createdAfter=2020-01-01T00:00:00Z")]
    public async Task A_cursor_for_other_filters_sort_or_page_size_is_400_invalid_cursor(string other)
    {
        var cursor = await CursorAsync("pageSize=1");

        var response = await Api.GetAsync($"{Sessions}?{other}&cursor={Uri.EscapeDataString(cursor)}", Api.OperatorKey);

        Assert.NotNull(response.ExpectProblem(HttpStatusCode.BadRequest, "invalid_cursor")["errors"]?["cursor"]);
    }

    [Fact]
    public async Task A_cursor_of_the_session_table_is_refused_by_a_users_sessions()
    {
        var cursor = await CursorAsync("pageSize=1");

        (await Api.GetAsync($"/api/v1/tenants/{_tenant}/users/u-1/sessions?pageSize=1&cursor={Uri.EscapeDataString(cursor)}", Api.OperatorKey))
            .ExpectProblem(HttpStatusCode.BadRequest, "invalid_cursor");
    }

    [Fact]
    public async Task A_cursor_of_another_tenant_is_refused()
    {
        var cursor = await CursorAsync("pageSize=1");
        var other = TestData.Id("bad");
        await Api.CreateTenantAsync(other);

        (await Api.GetAsync($"/api/v1/tenants/{other}/sessions?pageSize=1&cursor={Uri.EscapeDataString(cursor)}", Api.OperatorKey))
            .ExpectProblem(HttpStatusCode.BadRequest, "invalid_cursor");
    }

    public static TheoryData<string> GarbageCursors => new()
    {
        "",
        "x",
        "not a cursor",
        "AAAA",
        "%00%01%02",
        "____________________________________",
        "AQ",
        "AQAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA",
        "_w" + new string('A', 120),
        new string('A', 5000),
        new string('-', 6000),
    };

    [Theory]
    [MemberData(nameof(GarbageCursors))]
    public async Task Garbage_cursors_are_400_invalid_cursor(string cursor)
    {
        foreach (var path in new[] { Sessions, $"/api/v1/tenants/{_tenant}/users/u-1/sessions" })
        {
            var response = await Api.GetAsync($"{path}?cursor={cursor}", Api.OperatorKey);

            Assert.NotNull(response.ExpectProblem(HttpStatusCode.BadRequest, "invalid_cursor")["errors"]?["cursor"]);
        }
    }

    [Fact]
    public async Task A_tampered_cursor_is_400_invalid_cursor()
    {
        var cursor = await CursorAsync("pageSize=1");
        var bytes = Convert.FromBase64String(cursor.Replace('-', '+').Replace('_', '/').PadRight((cursor.Length + 3) / 4 * 4, '='));
        for (var i = 0; i < bytes.Length; i++)
        {
            var tampered = (byte[])bytes.Clone();
            tampered[i] ^= 0x5a;
            var text = Convert.ToBase64String(tampered).TrimEnd('=').Replace('+', '-').Replace('/', '_');

            var response = await Api.GetAsync($"{Sessions}?pageSize=1&cursor={text}", Api.OperatorKey);

            Assert.True(response.Status is HttpStatusCode.OK or HttpStatusCode.BadRequest, $"byte {i}: {(int)response.Status} {response.Body}");
            if (response.Status == HttpStatusCode.BadRequest)
            {
                response.ExpectProblem(HttpStatusCode.BadRequest, "invalid_cursor");
            }
        }
    }

    [Fact]
    public async Task Unknown_routes_are_404_and_wrong_methods_405()
    {
        (await Api.GetAsync("/api/v1/nothing-here", Api.OperatorKey)).ExpectProblem(HttpStatusCode.NotFound, "not_found");
        (await Api.GetAsync("/nothing", null)).ExpectProblem(HttpStatusCode.NotFound, "not_found");
        (await Api.SendAsync(HttpMethod.Patch, "/api/v1/tenants", Api.OperatorKey, new { }))
            .ExpectProblem(HttpStatusCode.MethodNotAllowed, "method_not_allowed");
    }
}
