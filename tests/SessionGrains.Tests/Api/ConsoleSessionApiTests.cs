using System.Net;
using System.Text.Json.Nodes;
using SessionGrains.Tests.Infrastructure;

namespace SessionGrains.Tests.Api;

/// <summary>
/// The web console's session through the HTTP surface, as its browser uses it: a key signs in
/// once and gets an HttpOnly, SameSite=Strict cookie; the cookie then stands for the key on the
/// /api/v1 routes (its role, its scope, its audit trail), changes need the CSRF token, and the
/// console session is a session of the tenant like any other: listed, ended by an admin or by the
/// tenant's idle timeout, and gone with its key. Bad cookies tried: garbage, empty, an 8 KB value,
/// the token of a user's session, a stale CSRF token, a CSRF token twice.
/// </summary>
[Trait("Category", "Cluster")]
[Collection(SiloCollection.Name)]
public sealed class ConsoleSessionApiTests(SiloFixture fixture) : IAsyncLifetime
{
    private const string ConsoleSession = "/api/v1/console/session";

    private readonly string _tenant = TestData.Id("con");
    private string _admin = "";
    private string _adminKeyId = "";
    private string _service = "";

    private ApiClient Api => fixture.Api;

    private string T => $"/api/v1/tenants/{_tenant}";

    public async Task InitializeAsync()
    {
        await Api.CreateTenantAsync(_tenant);
        (_adminKeyId, _admin) = await Api.CreateKeyAsync(_tenant, "tenant-admin");
        (_, _service) = await Api.CreateKeyAsync(_tenant, "service");
        (await Api.PostAsync($"{T}/microtenants", Api.OperatorKey, new { microtenantId = "emea", name = "EMEA" })).Expect(HttpStatusCode.Created);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<JsonObject> TableItemAsync(string sessionId) =>
        (await Api.GetAsync($"{T}/sessions/{sessionId}", _admin)).Expect(HttpStatusCode.OK).Json;

    [Fact]
    public async Task Signing_in_sets_an_HttpOnly_SameSite_Strict_cookie_and_opens_a_console_session_of_the_tenant_listed_like_any_other()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, ConsoleSession);
        request.Headers.Authorization = new("Bearer", _admin);
        request.Headers.TryAddWithoutValidation("User-Agent", "Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0");
        var answer = (await Api.SendAsync(request)).Expect(HttpStatusCode.OK);

        var cookie = Assert.Single(answer.SetCookies);
        var attributes = cookie.Split(';', StringSplitOptions.TrimEntries).Skip(1).Select(a => a.ToLowerInvariant()).ToList();
        Assert.StartsWith(ConsoleRequests.CookieName + "=sga.", cookie, StringComparison.Ordinal);
        Assert.Contains("httponly", attributes);
        Assert.Contains("samesite=strict", attributes);
        Assert.Contains("path=/", attributes);
        Assert.DoesNotContain("secure", attributes); // plain HTTP here; Secure over HTTPS

        var session = answer.Json;
        Assert.Equal(_tenant, session.Str("tenantId"));
        Assert.Equal(_adminKeyId, session.Str("keyId"));
        Assert.Equal("tenant-admin", session.Str("role"));
        Assert.Equal("tenant-admin", session.Str("keyName"));
        Assert.Null(session["microtenantId"]);
        Assert.True(session.Str("csrfToken").Length >= 32);
        Assert.DoesNotContain("sga.", answer.Body, StringComparison.Ordinal); // the token is in the cookie only

        var item = await TableItemAsync(session.Str("sessionId"));
        Assert.Equal("admin", item.Str("kind"));
        Assert.Equal("tenant-admin", item.Str("apiKeyName"));
        Assert.Equal(_adminKeyId, item.Str("userId"));
        Assert.Equal("sessiongrains-console", item.Str("clientId"));
        Assert.Equal("Console", item.Str("sessionName"));
        Assert.Equal("127.0.0.1", item.Str("ipAddress"));
        Assert.Equal("Mozilla/5.0 (X11; Linux x86_64) Chrome/131.0", item.Str("userAgent"));
        Assert.Equal("active", item.Str("status"));

        var audit = (await Api.GetAsync($"{T}/audit?action=console.sign_in", _admin)).Expect(HttpStatusCode.OK).Json;
        var record = Assert.Single(audit["items"]!.AsArray())!.AsObject();
        Assert.Equal(session.Str("sessionId"), record.Str("target"));
        Assert.Equal(_adminKeyId, record.Str("actorKeyId"));
        Assert.Equal("success", record.Str("outcome"));
    }

    [Fact]
    public async Task The_cookie_stands_for_the_key_reads_need_nothing_more_and_changes_need_the_CSRF_token()
    {
        var (cookie, console) = await Api.SignInToConsoleAsync(_admin);
        var csrf = console.Str("csrfToken");
        var user = await Api.SignInAsync(_tenant, _service, "u-csrf");
        var target = $"{T}/sessions/{user.Str("sessionId")}";

        (await Api.SendAsConsoleAsync(HttpMethod.Get, $"{T}/sessions?userId=u-csrf", cookie)).Expect(HttpStatusCode.OK);
        Assert.Equal(console.Str("sessionId"), (await Api.SendAsConsoleAsync(HttpMethod.Get, ConsoleSession, cookie)).Expect(HttpStatusCode.OK).Json.Str("sessionId"));

        // A change with the cookie alone, or with a token that is not this session's, changes nothing.
        (await Api.SendAsConsoleAsync(HttpMethod.Delete, target, cookie)).ExpectProblem(HttpStatusCode.Forbidden, "csrf_token_invalid");
        (await Api.SendAsConsoleAsync(HttpMethod.Delete, target, cookie, csrf: "x" + csrf[1..])).ExpectProblem(HttpStatusCode.Forbidden, "csrf_token_invalid");
        (await Api.SendAsConsoleAsync(HttpMethod.Post, $"{T}/logout-all", cookie, body: new { })).ExpectProblem(HttpStatusCode.Forbidden, "csrf_token_invalid");
        var (_, other) = await Api.SignInToConsoleAsync(_admin);
        (await Api.SendAsConsoleAsync(HttpMethod.Delete, target, cookie, csrf: other.Str("csrfToken"))).ExpectProblem(HttpStatusCode.Forbidden, "csrf_token_invalid");
        Assert.True((await Api.ValidateAsync(_tenant, _service, user.Str("token")))["active"]!.GetValue<bool>());

        (await Api.SendAsConsoleAsync(HttpMethod.Delete, target, cookie, csrf)).Expect(HttpStatusCode.NoContent);
        Assert.False((await Api.ValidateAsync(_tenant, _service, user.Str("token")))["active"]!.GetValue<bool>());

        // The audit log names the key, as if it had called with the key itself.
        var audit = (await Api.GetAsync($"{T}/audit?action=session.terminate", _admin)).Expect(HttpStatusCode.OK).Json;
        var record = audit["items"]!.AsArray().Select(i => i!.AsObject()).Single(r => r.Str("target") == user.Str("sessionId"));
        Assert.Equal(_adminKeyId, record.Str("actorKeyId"));
    }

    [Fact]
    public async Task The_cookie_has_the_keys_role_and_scope_an_auditor_reads_but_ends_nothing_a_microtenant_admin_sees_its_microtenant()
    {
        var (_, auditor) = await Api.CreateKeyAsync(_tenant, "auditor");
        var (cookie, console) = await Api.SignInToConsoleAsync(auditor);
        var user = await Api.SignInAsync(_tenant, _service, "u-audited");
        (await Api.SendAsConsoleAsync(HttpMethod.Get, $"{T}/sessions/{user.Str("sessionId")}", cookie)).Expect(HttpStatusCode.OK);
        (await Api.SendAsConsoleAsync(HttpMethod.Delete, $"{T}/sessions/{user.Str("sessionId")}", cookie, console.Str("csrfToken")))
            .ExpectProblem(HttpStatusCode.Forbidden, "forbidden");

        var (scopedKeyId, scoped) = await Api.CreateKeyAsync(_tenant, "microtenant-admin", "emea");
        var (scopedCookie, scopedConsole) = await Api.SignInToConsoleAsync(scoped);
        Assert.Equal("emea", scopedConsole.Str("microtenantId"));
        Assert.Equal("emea", (await TableItemAsync(scopedConsole.Str("sessionId"))).Str("microtenantId"));
        var page = (await Api.SendAsConsoleAsync(HttpMethod.Get, $"{T}/sessions?pageSize=500", scopedCookie)).Expect(HttpStatusCode.OK).Json;
        Assert.All(page["items"]!.AsArray(), i => Assert.Equal("emea", i!["microtenantId"]!.GetValue<string>()));
        Assert.Contains(page["items"]!.AsArray(), i => i!["userId"]!.GetValue<string>() == scopedKeyId);
        (await Api.SendAsConsoleAsync(HttpMethod.Get, $"{T}/denylist", scopedCookie)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task Ending_the_console_session_signs_the_cookie_out_at_its_next_request()
    {
        var (cookie, console) = await Api.SignInToConsoleAsync(_admin);
        (await Api.DeleteAsync($"{T}/sessions/{console.Str("sessionId")}", _admin)).Expect(HttpStatusCode.NoContent);

        (await Api.SendAsConsoleAsync(HttpMethod.Get, ConsoleSession, cookie)).ExpectProblem(HttpStatusCode.Unauthorized, "unauthorized");
        (await Api.SendAsConsoleAsync(HttpMethod.Get, $"{T}/sessions", cookie)).ExpectProblem(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task Signing_out_ends_the_session_clears_the_cookie_and_is_audited_and_needs_the_CSRF_token()
    {
        var (cookie, console) = await Api.SignInToConsoleAsync(_admin);
        (await Api.SendAsConsoleAsync(HttpMethod.Delete, ConsoleSession, cookie)).ExpectProblem(HttpStatusCode.Forbidden, "csrf_token_invalid");

        var answer = (await Api.SendAsConsoleAsync(HttpMethod.Delete, ConsoleSession, cookie, console.Str("csrfToken"))).Expect(HttpStatusCode.NoContent);
        var cleared = Assert.Single(answer.SetCookies);
        Assert.StartsWith(ConsoleRequests.CookieName + "=;", cleared, StringComparison.Ordinal);
        Assert.Contains("expires=Thu, 01 Jan 1970", cleared, StringComparison.Ordinal);

        (await Api.SendAsConsoleAsync(HttpMethod.Get, ConsoleSession, cookie)).ExpectProblem(HttpStatusCode.Unauthorized, "unauthorized");
        var item = await TableItemAsync(console.Str("sessionId"));
        Assert.Equal("terminated", item.Str("status"));
        Assert.Equal("user_logout", item.Str("endReason"));

        var audit = (await Api.GetAsync($"{T}/audit?action=console.sign_out", _admin)).Expect(HttpStatusCode.OK).Json;
        var record = Assert.Single(audit["items"]!.AsArray())!.AsObject();
        Assert.Equal(console.Str("sessionId"), record.Str("target"));
        Assert.Equal(_adminKeyId, record.Str("actorKeyId"));
    }

    [Fact]
    public async Task The_tenants_idle_timeout_ends_the_console_session_and_its_activity_keeps_it()
    {
        var tenant = TestData.Id("conidle");
        await Api.CreateTenantAsync(tenant);
        (await Api.PutAsync($"/api/v1/tenants/{tenant}/policy", Api.OperatorKey, new
        {
            idleTimeoutSeconds = 60, absoluteLifetimeSeconds = 36000, maxSessionsPerUser = 0, onSessionLimit = "deny", refreshReuseGraceSeconds = 0,
        })).Expect(HttpStatusCode.OK);
        var (_, admin) = await Api.CreateKeyAsync(tenant, "tenant-admin");
        var (cookie, _) = await Api.SignInToConsoleAsync(admin);

        // Each request is activity: 50 s, a request, 50 s more is still within 60 s of the last one.
        fixture.Time.Advance(TimeSpan.FromSeconds(50));
        (await Api.SendAsConsoleAsync(HttpMethod.Get, $"/api/v1/tenants/{tenant}/sessions", cookie)).Expect(HttpStatusCode.OK);
        fixture.Time.Advance(TimeSpan.FromSeconds(50));
        (await Api.SendAsConsoleAsync(HttpMethod.Get, ConsoleSession, cookie)).Expect(HttpStatusCode.OK);

        fixture.Time.Advance(TimeSpan.FromSeconds(61));
        (await Api.SendAsConsoleAsync(HttpMethod.Get, ConsoleSession, cookie)).ExpectProblem(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task A_deleted_key_takes_its_console_sessions_with_it()
    {
        var (keyId, key) = await Api.CreateKeyAsync(_tenant, "tenant-admin");
        var (cookie, _) = await Api.SignInToConsoleAsync(key);
        (await Api.DeleteAsync($"{T}/api-keys/{keyId}", _admin)).Expect(HttpStatusCode.NoContent);

        (await Api.SendAsConsoleAsync(HttpMethod.Get, $"{T}/sessions", cookie)).ExpectProblem(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task Only_tenant_keys_that_read_the_session_table_sign_in_and_only_by_key()
    {
        (await Api.PostAsync(ConsoleSession, _service, null)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        (await Api.PostAsync(ConsoleSession, Api.OperatorKey, null)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        (await Api.PostAsync(ConsoleSession, "sgk.bm9uZQ.nokey.0123456789012345678901234567890123456789012", null)).ExpectProblem(HttpStatusCode.Unauthorized, "unauthorized");
        (await Api.PostAsync(ConsoleSession, null, null)).ExpectProblem(HttpStatusCode.Unauthorized, "unauthorized");

        // A console session does not open another one; a key in Authorization has no console session to read or end.
        var (cookie, console) = await Api.SignInToConsoleAsync(_admin);
        (await Api.SendAsConsoleAsync(HttpMethod.Post, ConsoleSession, cookie, console.Str("csrfToken"))).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        (await Api.GetAsync(ConsoleSession, _admin)).ExpectProblem(HttpStatusCode.NotFound, "console_session_not_found");
        (await Api.DeleteAsync(ConsoleSession, _admin)).ExpectProblem(HttpStatusCode.NotFound, "console_session_not_found");
    }

    [Fact]
    public async Task No_sign_in_route_opens_a_session_of_the_consoles_client_so_no_other_token_is_a_console_cookie()
    {
        var problem = (await Api.PostAsync($"{T}/sessions", _service, new { userId = _adminKeyId, clientId = "sessiongrains-console", ipAddress = "203.0.113.7", kind = "admin" }))
            .ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.NotNull(problem["errors"]!["clientId"]);

        // A user's token (named after the admin's key id, even) in the cookie stands for no one.
        var user = await Api.SignInAsync(_tenant, _service, _adminKeyId);
        (await Api.SendAsConsoleAsync(HttpMethod.Get, $"{T}/sessions", user.Str("token"))).ExpectProblem(HttpStatusCode.Unauthorized, "unauthorized");
        Assert.True((await Api.ValidateAsync(_tenant, _service, user.Str("token")))["active"]!.GetValue<bool>());
    }

    [Theory]
    [InlineData("")]
    [InlineData("garbage")]
    [InlineData("sga.bm9uZQ.x.y")]
    [InlineData("sgk.not.a.cookie")]
    public async Task A_bad_cookie_is_a_401_not_an_error(string value)
    {
        (await Api.SendAsConsoleAsync(HttpMethod.Get, $"{T}/sessions", value)).ExpectProblem(HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task A_long_cookie_and_a_CSRF_header_twice_are_refused_plainly()
    {
        (await Api.SendAsConsoleAsync(HttpMethod.Get, $"{T}/sessions", new string('a', 8 * 1024))).ExpectProblem(HttpStatusCode.Unauthorized, "unauthorized");

        var (cookie, console) = await Api.SignInToConsoleAsync(_admin);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{T}/logout-all") { Content = System.Net.Http.Json.JsonContent.Create(new { clientId = "nobody" }) };
        request.Headers.TryAddWithoutValidation("Cookie", $"{ConsoleRequests.CookieName}={cookie}");
        request.Headers.TryAddWithoutValidation("X-CSRF-Token", [console.Str("csrfToken"), console.Str("csrfToken")]);
        (await Api.SendAsync(request)).ExpectProblem(HttpStatusCode.Forbidden, "csrf_token_invalid");
    }

    [Fact]
    public async Task A_key_in_Authorization_wins_over_the_cookie()
    {
        var (_, auditor) = await Api.CreateKeyAsync(_tenant, "auditor");
        var (cookie, _) = await Api.SignInToConsoleAsync(_admin);
        using var request = new HttpRequestMessage(HttpMethod.Post, $"{T}/logout-all") { Content = System.Net.Http.Json.JsonContent.Create(new { clientId = "nobody" }) };
        request.Headers.Authorization = new("Bearer", auditor);
        request.Headers.TryAddWithoutValidation("Cookie", $"{ConsoleRequests.CookieName}={cookie}");
        (await Api.SendAsync(request)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
    }
}
