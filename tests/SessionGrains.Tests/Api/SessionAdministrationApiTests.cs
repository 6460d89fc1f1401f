using System.Net;
using System.Text.Json.Nodes;
using SessionGrains.Tests.Infrastructure;

namespace SessionGrains.Tests.Api;

/// <summary>The administration routes over real HTTP: what an administrator sees and every way to end sessions.</summary>
[Trait("Category", "Cluster")]
[Collection(SiloCollection.Name)]
public sealed class SessionAdministrationApiTests(SiloFixture fixture) : IAsyncLifetime
{
    private readonly string _tenant = TestData.Id("adm");
    private string _service = "";
    private string _admin = "";
    private string _auditor = "";

    private ApiClient Api => fixture.Api;

    private string T => $"/api/v1/tenants/{_tenant}";

    public async Task InitializeAsync()
    {
        await Api.CreateTenantAsync(_tenant);
        _service = (await Api.CreateKeyAsync(_tenant, "service")).Key;
        _admin = (await Api.CreateKeyAsync(_tenant, "tenant-admin")).Key;
        _auditor = (await Api.CreateKeyAsync(_tenant, "auditor")).Key;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<JsonObject> SignInAsync(string userId, string clientId = "portal", string? microtenantId = null, string ip = "203.0.113.7")
    {
        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        return (await Api.PostAsync($"{T}/sessions", _service, new
        {
            userId, userEmail = $"{userId}@Acme.test", sessionName = "Chrome on Mac", clientId, clientType = "browser",
            identityProvider = "okta", ipAddress = ip, userAgent = "Mozilla/5.0", microtenantId,
            device = new { deviceId = "d-1", hostname = "ada-mbp", os = "macOS 15.1" }, claims = new { groups = "eng" },
        })).Expect(HttpStatusCode.Created).Json;
    }

    private async Task<JsonObject> ListAsync(string query = "", string? key = null) =>
        (await Api.GetAsync($"{T}/sessions{query}", key ?? _admin)).Expect(HttpStatusCode.OK).Json;

    private Task<string> StatusOfAsync(string token) =>
        Api.ValidateAsync(_tenant, _service, token).ContinueWith(t => t.Result["active"]!.GetValue<bool>() ? "active" : t.Result.Str("reason"));

    [Fact]
    public async Task The_table_lists_sessions_newest_first_with_every_field_and_an_exact_total()
    {
        var first = await SignInAsync("ada", ip: "10.0.0.1");
        var second = await SignInAsync("grace", clientId: "mobile", ip: "2001:db8::1");

        var page = await ListAsync();

        Assert.Equal(2, page["total"]!.GetValue<long>());
        Assert.Equal(1, page["page"]!.GetValue<int>());
        Assert.Equal(10, page["pageSize"]!.GetValue<int>());
        var items = page["items"]!.AsArray();
        Assert.Equal([second.Str("sessionId"), first.Str("sessionId")], items.Select(i => i!["sessionId"]!.GetValue<string>()));
        var item = items[1]!.AsObject();
        Assert.Equal("ada", item.Str("userId"));
        Assert.Equal("ada@Acme.test", item.Str("userEmail"));
        Assert.Equal("Chrome on Mac", item.Str("sessionName"));
        Assert.Equal("user", item.Str("kind"));
        Assert.Equal("portal", item.Str("clientId"));
        Assert.Equal("browser", item.Str("clientType"));
        Assert.Equal("okta", item.Str("identityProvider"));
        Assert.Equal("10.0.0.1", item.Str("ipAddress"));
        Assert.Equal("Mozilla/5.0", item.Str("userAgent"));
        Assert.Equal("active", item.Str("status"));
        Assert.Null(item["endedAt"]);
        Assert.Null(item["endReason"]);
        Assert.Equal(1, item["durationSeconds"]!.GetValue<long>());
        Assert.EndsWith("Z", item.Str("createdAt"));
        Assert.True(item.ContainsKey("apiKeyName"));
        Assert.True(item.ContainsKey("microtenantId"));
        Assert.True(item.ContainsKey("expiresAt"));
        Assert.True(item.ContainsKey("lastActivity"));
    }

    [Fact]
    public async Task Details_add_device_claims_and_refresh_history()
    {
        var session = await SignInAsync("ada");
        (await Api.PostAsync($"{T}/sessions/refresh", _service, new { refreshToken = session.Str("refreshToken") })).Expect(HttpStatusCode.OK);

        var details = (await Api.GetAsync($"{T}/sessions/{session.Str("sessionId")}", _auditor)).Expect(HttpStatusCode.OK).Json;

        Assert.Equal("ada-mbp", details["device"]!["hostname"]!.GetValue<string>());
        Assert.Equal("eng", details["claims"]!["groups"]!.GetValue<string>());
        Assert.Equal(1, details["refreshCount"]!.GetValue<int>());
        Assert.NotNull(details["lastRefreshAt"]);
        (await Api.GetAsync($"{T}/sessions/nope", _admin)).ExpectProblem(HttpStatusCode.NotFound, "session_not_found");
    }

    [Fact]
    public async Task Terminating_one_session_ends_it_at_once_and_says_so_in_the_table()
    {
        var session = await SignInAsync("ada");
        var id = session.Str("sessionId");

        (await Api.DeleteAsync($"{T}/sessions/{id}", _admin)).Expect(HttpStatusCode.NoContent);

        Assert.Equal("terminated", await StatusOfAsync(session.Str("token")));
        var item = (await ListAsync($"?userId=ada"))["items"]![0]!;
        Assert.Equal("terminated", item["status"]!.GetValue<string>());
        Assert.Equal("admin_terminated", item["endReason"]!.GetValue<string>());
        Assert.NotNull(item["endedAt"]);
        (await Api.DeleteAsync($"{T}/sessions/{id}", _admin)).ExpectProblem(HttpStatusCode.Conflict, "session_not_active");
        (await Api.DeleteAsync($"{T}/sessions/never-was", _admin)).ExpectProblem(HttpStatusCode.NotFound, "session_not_found");
        (await Api.DeleteAsync($"{T}/sessions/{id}", _auditor)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task Bulk_terminate_reports_each_session_in_request_order()
    {
        var live = await SignInAsync("ada");
        var ended = await SignInAsync("grace");
        (await Api.DeleteAsync($"{T}/sessions/{ended.Str("sessionId")}", _admin)).Expect(HttpStatusCode.NoContent);

        var response = (await Api.PostAsync($"{T}/sessions/terminate", _admin, new
        {
            sessionIds = new[] { "missing", live.Str("sessionId"), ended.Str("sessionId") },
        })).Expect(HttpStatusCode.OK).Json;

        var results = response["results"]!.AsArray().Select(r => (r!["sessionId"]!.GetValue<string>(), r["outcome"]!.GetValue<string>())).ToList();
        Assert.Equal([("missing", "not_found"), (live.Str("sessionId"), "terminated"), (ended.Str("sessionId"), "not_active")], results);
        Assert.Equal("terminated", await StatusOfAsync(live.Str("token")));
    }

    [Theory]
    [InlineData("{\"sessionIds\": []}")]
    [InlineData("{\"sessionIds\": [\"ok\", \"not ok\"]}")]
    [InlineData("{}")]
    public async Task Bulk_terminate_refuses_bad_lists(string body)
    {
        (await Api.SendAsync(HttpMethod.Post, $"{T}/sessions/terminate", _admin, rawBody: body))
            .ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task Bulk_terminate_takes_at_most_a_thousand_ids()
    {
        var ids = Enumerable.Range(0, 1001).Select(i => $"s{i}").ToArray();

        (await Api.PostAsync($"{T}/sessions/terminate", _admin, new { sessionIds = ids }))
            .ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task A_user_logout_ends_all_their_sessions_and_only_theirs()
    {
        var a1 = await SignInAsync("ada");
        var a2 = await SignInAsync("ada", clientId: "mobile");
        var other = await SignInAsync("grace");

        var response = (await Api.PostAsync($"{T}/users/ada/logout", _admin, null)).Expect(HttpStatusCode.OK).Json;

        Assert.Equal(2, response["terminated"]!.GetValue<int>());
        Assert.Equal("terminated", await StatusOfAsync(a1.Str("token")));
        Assert.Equal("terminated", await StatusOfAsync(a2.Str("token")));
        Assert.Equal("active", await StatusOfAsync(other.Str("token")));
        var mine = (await Api.GetAsync($"{T}/users/ada/sessions", _auditor)).Expect(HttpStatusCode.OK).Json;
        Assert.Equal(2, mine["total"]!.GetValue<long>());
        Assert.All(mine["items"]!.AsArray(), i => Assert.Equal("user_logout_all", i!["endReason"]!.GetValue<string>()));
    }

    [Fact]
    public async Task The_denylist_ends_a_users_sessions_refuses_sign_ins_until_lifted()
    {
        var session = await SignInAsync("mallory");

        var response = (await Api.PutAsync($"{T}/users/mallory/denylist", _admin, new { reason = "stolen laptop" }))
            .Expect(HttpStatusCode.OK).Json;

        Assert.Equal("mallory", response.Str("userId"));
        Assert.True(response["denylisted"]!.GetValue<bool>());
        Assert.Equal(1, response["terminated"]!.GetValue<int>());
        Assert.Equal("terminated", await StatusOfAsync(session.Str("token")));
        (await Api.PostAsync($"{T}/sessions", _service, new { userId = "mallory", clientId = "portal", ipAddress = "10.0.0.1" }))
            .ExpectProblem(HttpStatusCode.Forbidden, "user_denylisted");
        var list = (await Api.GetAsync($"/api/v1/tenants/{_tenant}/denylist", _auditor)).Expect(HttpStatusCode.OK).Json;
        Assert.Equal(1, list["total"]!.GetValue<long>());
        Assert.Equal("stolen laptop", list["items"]![0]!["reason"]!.GetValue<string>());
        var entry = (await Api.GetAsync($"{T}/users/mallory/denylist", _auditor)).Expect(HttpStatusCode.OK).Json;
        Assert.Equal("mallory", entry.Str("userId"));
        Assert.Equal("stolen laptop", entry.Str("reason"));

        (await Api.DeleteAsync($"{T}/users/mallory/denylist", _admin)).Expect(HttpStatusCode.NoContent);
        (await Api.GetAsync($"{T}/users/mallory/denylist", _auditor)).ExpectProblem(HttpStatusCode.NotFound, "user_not_denylisted");

        await SignInAsync("mallory");
        Assert.Equal(0, (await Api.GetAsync($"/api/v1/tenants/{_tenant}/denylist", _admin)).Json["total"]!.GetValue<long>());
        (await Api.DeleteAsync($"{T}/users/mallory/denylist", _admin)).ExpectProblem(HttpStatusCode.NotFound, "user_not_denylisted");
    }

    [Fact]
    public async Task Logout_all_ends_every_earlier_session_of_the_tenant_or_of_one_client()
    {
        var portal = await SignInAsync("ada", clientId: "portal");
        var mobile = await SignInAsync("grace", clientId: "mobile");
        fixture.Time.Advance(TimeSpan.FromSeconds(1));

        var byClient = (await Api.PostAsync($"{T}/logout-all", _admin, new { clientId = "mobile" })).Expect(HttpStatusCode.OK).Json;

        Assert.NotNull(byClient["notBefore"]);
        Assert.Equal("terminated", await StatusOfAsync(mobile.Str("token")));
        Assert.Equal("active", await StatusOfAsync(portal.Str("token")));
        var later = await SignInAsync("grace", clientId: "mobile");
        Assert.Equal("active", await StatusOfAsync(later.Str("token")));
        var listed = await ListAsync("?clientId=mobile&status=inactive");
        Assert.Equal("tenant_logout_all", listed["items"]![0]!["endReason"]!.GetValue<string>());

        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        (await Api.SendAsync(HttpMethod.Post, $"{T}/logout-all", _admin, rawBody: "{}")).Expect(HttpStatusCode.OK);

        Assert.Equal("terminated", await StatusOfAsync(portal.Str("token")));
        Assert.Equal("terminated", await StatusOfAsync(later.Str("token")));
        Assert.Equal(0, (await ListAsync("?status=active"))["total"]!.GetValue<long>());
        (await Api.PostAsync($"{T}/sessions/refresh", _service, new { refreshToken = portal.Str("refreshToken") }))
            .ExpectProblem(HttpStatusCode.Unauthorized, "invalid_refresh_token");
        (await Api.PostAsync($"{T}/logout-all", _auditor, new { })).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task Expired_sessions_show_as_expired_with_their_reason()
    {
        await Api.PutAsync($"{T}/policy", _admin, new
        {
            idleTimeoutSeconds = 60, absoluteLifetimeSeconds = 36000, maxSessionsPerUser = 0, onSessionLimit = "deny", refreshReuseGraceSeconds = 0,
        });
        var session = await SignInAsync("ada");
        fixture.Time.Advance(TimeSpan.FromSeconds(200));

        var item = (await ListAsync())["items"]![0]!;

        Assert.Equal(session.Str("sessionId"), item["sessionId"]!.GetValue<string>());
        Assert.Equal("expired", item["status"]!.GetValue<string>());
        Assert.Equal("idle_timeout", item["endReason"]!.GetValue<string>());
        Assert.Equal(60, item["durationSeconds"]!.GetValue<long>());
    }

    [Fact]
    public async Task Stats_count_sessions_users_and_clients()
    {
        (await Api.PostAsync($"{T}/microtenants", _admin, new { microtenantId = "emea", name = "EMEA" })).Expect(HttpStatusCode.Created);
        await SignInAsync("ada", clientId: "portal");
        await SignInAsync("ada", clientId: "mobile");
        var ended = await SignInAsync("grace", clientId: "portal");
        await SignInAsync("linus", clientId: "portal", microtenantId: "emea");
        (await Api.DeleteAsync($"{T}/sessions/{ended.Str("sessionId")}", _admin)).Expect(HttpStatusCode.NoContent);

        var stats = (await Api.GetAsync($"{T}/sessions/stats", _auditor)).Expect(HttpStatusCode.OK).Json;

        Assert.Equal(4, stats["total"]!.GetValue<long>());
        Assert.Equal(3, stats["active"]!.GetValue<long>());
        // Every user of the listed sessions, grace's ended one included; then those with a live session.
        Assert.Equal(3, stats["uniqueUsers"]!.GetValue<long>());
        Assert.Equal(2, stats["activeUsers"]?.GetValue<long>());
        Assert.True(stats["averageDurationSeconds"]!.GetValue<double>() > 0);
        var portal = stats["byClient"]!.AsArray().Single(c => c!["clientId"]!.GetValue<string>() == "portal")!;
        Assert.Equal(3, portal["total"]!.GetValue<long>());
        Assert.Equal(2, portal["active"]!.GetValue<long>());

        var emea = (await Api.GetAsync($"{T}/sessions/stats?microtenantId=emea", _admin)).Expect(HttpStatusCode.OK).Json;
        Assert.Equal(1, emea["total"]!.GetValue<long>());
    }

    [Fact]
    public async Task A_microtenant_admin_sees_and_ends_only_its_microtenant()
    {
        (await Api.PostAsync($"{T}/microtenants", _admin, new { microtenantId = "emea", name = "EMEA" })).Expect(HttpStatusCode.Created);
        var scoped = (await Api.CreateKeyAsync(_tenant, "microtenant-admin", "emea")).Key;
        var inside = await SignInAsync("ada", microtenantId: "emea");
        var outside = await SignInAsync("grace", microtenantId: null);
        await SignInAsync("ada", microtenantId: null);

        var listed = await ListAsync(key: scoped);
        Assert.Equal(1, listed["total"]!.GetValue<long>());
        Assert.Equal(inside.Str("sessionId"), listed["items"]![0]!["sessionId"]!.GetValue<string>());
        Assert.Equal(1, (await Api.GetAsync($"{T}/sessions/stats", scoped)).Json["total"]!.GetValue<long>());
        (await Api.GetAsync($"{T}/sessions?microtenantId=apac", scoped)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        (await Api.GetAsync($"{T}/sessions/{outside.Str("sessionId")}", scoped)).ExpectProblem(HttpStatusCode.NotFound, "session_not_found");
        (await Api.DeleteAsync($"{T}/sessions/{outside.Str("sessionId")}", scoped)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        var bulk = (await Api.PostAsync($"{T}/sessions/terminate", scoped, new { sessionIds = new[] { outside.Str("sessionId") } })).Json;
        Assert.Equal("forbidden", bulk["results"]![0]!["outcome"]!.GetValue<string>());
        Assert.Equal("active", await StatusOfAsync(outside.Str("token")));

        var logout = (await Api.PostAsync($"{T}/users/ada/logout", scoped, null)).Expect(HttpStatusCode.OK).Json;

        Assert.Equal(1, logout["terminated"]!.GetValue<int>());
        Assert.Equal("terminated", await StatusOfAsync(inside.Str("token")));
        (await Api.PostAsync($"{T}/logout-all", scoped, new { })).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        (await Api.PutAsync($"{T}/users/ada/denylist", scoped, new { })).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        (await Api.GetAsync($"{T}/api-keys", scoped)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task A_microtenant_admin_walks_its_microtenant_by_cursor_and_cannot_use_a_tenant_wide_cursor()
    {
        (await Api.PostAsync($"{T}/microtenants", _admin, new { microtenantId = "emea", name = "EMEA" })).Expect(HttpStatusCode.Created);
        var scoped = (await Api.CreateKeyAsync(_tenant, "microtenant-admin", "emea")).Key;
        var inside = new List<string>();
        foreach (var user in new[] { "ada", "bob", "cy", "dee", "eve" })
        {
            inside.Add((await SignInAsync(user, microtenantId: "emea")).Str("sessionId"));
            await SignInAsync(user, microtenantId: null);
        }

        var seen = new List<string>();
        var next = $"{T}/sessions?pageSize=2";
        for (var page = 1; page <= 3; page++)
        {
            var json = (await Api.GetAsync(next, scoped)).Expect(HttpStatusCode.OK).Json;
            Assert.Equal(5, json["total"]!.GetValue<long>());
            Assert.Equal(page, json["page"]!.GetValue<int>());
            seen.AddRange(json["items"]!.AsArray().Select(x => x!["sessionId"]!.GetValue<string>()));
            var cursor = json["nextCursor"]?.GetValue<string>();
            Assert.Equal(page < 3, cursor is not null);
            next = $"{T}/sessions?pageSize=2&cursor={Uri.EscapeDataString(cursor ?? "")}";
        }

        inside.Reverse();
        Assert.Equal(inside, seen);

        var tenantWide = (await Api.GetAsync($"{T}/sessions?pageSize=2", _admin)).Expect(HttpStatusCode.OK).Json.Str("nextCursor");
        (await Api.GetAsync($"{T}/sessions?pageSize=2&cursor={Uri.EscapeDataString(tenantWide)}", scoped))
            .ExpectProblem(HttpStatusCode.BadRequest, "invalid_cursor");
    }

    [Fact]
    public async Task A_microtenant_admins_user_logout_ends_only_that_microtenants_sessions_of_the_user()
    {
        (await Api.PostAsync($"{T}/microtenants", _admin, new { microtenantId = "emea", name = "EMEA" })).Expect(HttpStatusCode.Created);
        (await Api.PostAsync($"{T}/microtenants", _admin, new { microtenantId = "apac", name = "APAC" })).Expect(HttpStatusCode.Created);
        var emeaAdmin = (await Api.CreateKeyAsync(_tenant, "microtenant-admin", "emea")).Key;
        var emea = await SignInAsync("ada", microtenantId: "emea");
        var apac = await SignInAsync("ada", microtenantId: "apac");
        var tenantWide = await SignInAsync("ada");

        var scoped = (await Api.PostAsync($"{T}/users/ada/logout", emeaAdmin, null)).Expect(HttpStatusCode.OK).Json;

        Assert.Equal(1, scoped["terminated"]!.GetValue<int>());
        Assert.Equal("terminated", await StatusOfAsync(emea.Str("token")));
        Assert.Equal("active", await StatusOfAsync(apac.Str("token")));
        Assert.Equal("active", await StatusOfAsync(tenantWide.Str("token")));

        // The sessions left alone are still the user's: a tenant-wide logout still finds and ends them.
        var all = (await Api.PostAsync($"{T}/users/ada/logout", _admin, null)).Expect(HttpStatusCode.OK).Json;

        Assert.Equal(2, all["terminated"]!.GetValue<int>());
        Assert.Equal("terminated", await StatusOfAsync(apac.Str("token")));
        Assert.Equal("terminated", await StatusOfAsync(tenantWide.Str("token")));
    }

    [Fact]
    public async Task Microtenants_are_created_once_and_listed()
    {
        (await Api.PostAsync($"{T}/microtenants", _admin, new { microtenantId = "apac", name = "APAC" })).Expect(HttpStatusCode.Created);
        (await Api.PostAsync($"{T}/microtenants", _admin, new { microtenantId = "apac", name = "again" }))
            .ExpectProblem(HttpStatusCode.Conflict, "microtenant_exists");
        (await Api.PostAsync($"{T}/api-keys", _admin, new { name = "x", role = "microtenant-admin", microtenantId = "nowhere" }))
            .ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        (await Api.PostAsync($"{T}/api-keys", _admin, new { name = "x", role = "microtenant-admin" }))
            .ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");

        var list = (await Api.GetAsync($"{T}/microtenants", _auditor)).Expect(HttpStatusCode.OK).Json;

        Assert.Equal("APAC", list["items"]!.AsArray().Single(m => m!["microtenantId"]!.GetValue<string>() == "apac")!["name"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("?status=open")]
    [InlineData("?sort=name")]
    [InlineData("?sort=-")]
    [InlineData("?kind=robot")]
    [InlineData("?userId=a%20b")]
    [InlineData("?ipAddress=not-an-ip")]
    [InlineData("?createdAfter=yesterday")]
    [InlineData("?pageSize=501")]
    [InlineData("?page=0")]
    [InlineData("?search=%0A")]
    [InlineData("?status=active&status=all")]
    public async Task Bad_table_queries_are_400(string query)
    {
        (await Api.GetAsync($"{T}/sessions{query}", _admin)).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
    }

    [Fact]
    public async Task A_search_longer_than_allowed_is_400()
    {
        (await Api.GetAsync($"{T}/sessions?search={new string('a', 257)}", _admin)).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
    }
}
