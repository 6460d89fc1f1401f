using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using SessionGrains.Tests.Infrastructure;

namespace SessionGrains.Tests.Api;

/// <summary>
/// Token introspection (RFC 7662) and revocation (RFC 7009) as an OAuth client calls them: form
/// bodies, a service key as HTTP Basic client credentials. Every answer: access and refresh tokens,
/// right, wrong and unknown hints, ended, expired and rotated tokens, other tenants and
/// microtenants, and every kind of bad credentials and bad body.
/// </summary>
[Trait("Category", "Cluster")]
[Collection(SiloCollection.Name)]
public sealed class OAuthApiTests(SiloFixture fixture) : IAsyncLifetime
{
    private readonly string _tenant = TestData.Id("oauth");
    private (string KeyId, string Key) _service;
    private string _admin = "";

    private ApiClient Api => fixture.Api;

    private string Introspect => $"/api/v1/tenants/{_tenant}/oauth/introspect";

    private string Revoke => $"/api/v1/tenants/{_tenant}/oauth/revoke";

    public async Task InitializeAsync()
    {
        await Api.CreateTenantAsync(_tenant);
        _service = await Api.CreateKeyAsync(_tenant, "service");
        _admin = (await Api.CreateKeyAsync(_tenant, "tenant-admin")).Key;
        (await Api.PutAsync($"/api/v1/tenants/{_tenant}/policy", _admin, new
        {
            idleTimeoutSeconds = 1800, absoluteLifetimeSeconds = 36000, maxSessionsPerUser = 0, onSessionLimit = "deny", refreshReuseGraceSeconds = 0,
        })).Expect(HttpStatusCode.OK);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private AuthenticationHeaderValue Client => ApiClient.Basic(_service.KeyId, _service.Key);

    private static Dictionary<string, string> Form(string token, string? hint = null) =>
        hint is null ? new() { ["token"] = token } : new() { ["token"] = token, ["token_type_hint"] = hint };

    private async Task<JsonObject> IntrospectAsync(string token, string? hint = null, string? path = null, AuthenticationHeaderValue? client = null)
    {
        var response = (await Api.PostFormAsync(path ?? Introspect, client ?? Client, Form(token, hint))).Expect(HttpStatusCode.OK);
        Assert.Equal("application/json", response.MediaType);
        return response.Json;
    }

    private static void AssertInactive(JsonObject json) =>
        Assert.Equal("""{"active":false}""", json.ToJsonString());

    private async Task<JsonObject> SignInAsync(string userId, string? microtenantId = null, string? key = null) =>
        (await Api.PostAsync($"/api/v1/tenants/{_tenant}/sessions", key ?? _service.Key, new
        {
            userId, clientId = "portal", ipAddress = "203.0.113.7", microtenantId,
        })).Expect(HttpStatusCode.Created).Json;

    private async Task<bool> ActiveAsync(string token) => (await Api.ValidateAsync(_tenant, _service.Key, token))["active"]!.GetValue<bool>();

    [Theory]
    [InlineData(null)]
    [InlineData("access_token")]
    [InlineData("refresh_token")]
    [InlineData("id_token")]
    public async Task An_access_token_introspects_as_active_with_its_session_whatever_the_hint(string? hint)
    {
        var session = await SignInAsync("ada");
        var now = fixture.Time.GetUtcNow().ToUnixTimeSeconds();

        var json = await IntrospectAsync(session.Str("token"), hint);

        Assert.True(json["active"]!.GetValue<bool>());
        Assert.Equal("ada", json.Str("sub"));
        Assert.Equal(session.Str("sessionId"), json.Str("sid"));
        Assert.Equal("portal", json.Str("client_id"));
        Assert.Equal("access_token", json.Str("token_type"));
        Assert.Equal(now, json["iat"]!.GetValue<long>());
        Assert.Equal(now + 1800, json["exp"]!.GetValue<long>());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("refresh_token")]
    [InlineData("access_token")]
    [InlineData("nonsense")]
    public async Task A_refresh_token_introspects_as_active_whatever_the_hint(string? hint)
    {
        var session = await SignInAsync("bob");
        var now = fixture.Time.GetUtcNow().ToUnixTimeSeconds();

        var json = await IntrospectAsync(session.Str("refreshToken"), hint);

        Assert.True(json["active"]!.GetValue<bool>());
        Assert.Equal("bob", json.Str("sub"));
        Assert.Equal(session.Str("sessionId"), json.Str("sid"));
        Assert.Equal("portal", json.Str("client_id"));
        Assert.Equal("refresh_token", json.Str("token_type"));
        Assert.Equal(now, json["iat"]!.GetValue<long>());
        Assert.Equal(now + 1800, json["exp"]!.GetValue<long>());
    }

    [Fact]
    public async Task Introspecting_a_refresh_token_never_rotates_it_and_a_rotated_one_is_inactive_but_not_taken_as_theft()
    {
        var session = await SignInAsync("cy");
        var refresh = session.Str("refreshToken");
        for (var i = 0; i < 3; i++)
        {
            Assert.True((await IntrospectAsync(refresh))["active"]!.GetValue<bool>());
        }

        fixture.Time.Advance(TimeSpan.FromSeconds(30));
        var rotated = (await Api.PostAsync($"/api/v1/tenants/{_tenant}/sessions/refresh", _service.Key, new { refreshToken = refresh }))
            .Expect(HttpStatusCode.OK).Json;

        // The new token was issued at the refresh; the old one is gone, and asking about it ends nothing.
        var fresh = await IntrospectAsync(rotated.Str("refreshToken"));
        Assert.Equal(fixture.Time.GetUtcNow().ToUnixTimeSeconds(), fresh["iat"]!.GetValue<long>());
        AssertInactive(await IntrospectAsync(refresh));
        AssertInactive(await IntrospectAsync(session.Str("token")));
        Assert.True(await ActiveAsync(rotated.Str("token")));

        // The new refresh token, introspected, still rotates (and a signed one introspects too).
        Assert.True((await IntrospectAsync(rotated.Str("refreshToken")))["active"]!.GetValue<bool>());
        var again = (await Api.PostAsync($"/api/v1/tenants/{_tenant}/sessions/refresh", _service.Key, new { refreshToken = rotated.Str("refreshToken") }))
            .Expect(HttpStatusCode.OK).Json;
        Assert.True((await IntrospectAsync(again.Str("refreshToken")))["active"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Tokens_of_an_ended_or_expired_session_are_inactive()
    {
        var ended = await SignInAsync("dee");
        (await Api.PostAsync($"/api/v1/tenants/{_tenant}/sessions/logout", _service.Key, new { token = ended.Str("token") })).Expect(HttpStatusCode.NoContent);
        AssertInactive(await IntrospectAsync(ended.Str("token")));
        AssertInactive(await IntrospectAsync(ended.Str("refreshToken")));

        var idle = await SignInAsync("eve");
        fixture.Time.Advance(TimeSpan.FromSeconds(1801));
        AssertInactive(await IntrospectAsync(idle.Str("refreshToken")));
        AssertInactive(await IntrospectAsync(idle.Str("token")));
    }

    [Fact]
    public async Task Introspecting_an_access_token_counts_as_activity_and_a_refresh_token_does_not()
    {
        var used = await SignInAsync("fay");
        var asked = await SignInAsync("gus");
        fixture.Time.Advance(TimeSpan.FromSeconds(1000));
        var json = await IntrospectAsync(used.Str("token"));
        Assert.Equal(fixture.Time.GetUtcNow().ToUnixTimeSeconds() + 1800, json["exp"]!.GetValue<long>());
        Assert.True((await IntrospectAsync(asked.Str("refreshToken")))["active"]!.GetValue<bool>());

        // Past the sign-in's idle deadline: the introspected access token's session lives on, the other's is over.
        fixture.Time.Advance(TimeSpan.FromSeconds(1000));
        Assert.True((await IntrospectAsync(used.Str("refreshToken")))["active"]!.GetValue<bool>());
        AssertInactive(await IntrospectAsync(asked.Str("refreshToken")));
    }

    [Fact]
    public async Task Unknown_malformed_and_another_tenants_tokens_are_inactive()
    {
        var other = TestData.Id("oauth");
        await Api.CreateTenantAsync(other);
        var otherService = await Api.CreateKeyAsync(other, "service");
        var foreign = (await Api.SignInAsync(other, otherService.Key, "hal"));
        var mine = await SignInAsync("ida");

        AssertInactive(await IntrospectAsync(foreign.Str("token")));
        AssertInactive(await IntrospectAsync(foreign.Str("refreshToken")));
        AssertInactive(await IntrospectAsync("not-a-token"));
        AssertInactive(await IntrospectAsync(_service.Key));
        AssertInactive(await IntrospectAsync(mine.Str("token")[..^2] + "AA"));
        AssertInactive(await IntrospectAsync(mine.Str("refreshToken")[..^2] + "AA"));

        // The other tenant's own client sees its token; ours, on its route, is refused as any foreign key is.
        var theirs = await IntrospectAsync(foreign.Str("token"), path: $"/api/v1/tenants/{other}/oauth/introspect", client: ApiClient.Basic(otherService.KeyId, otherService.Key));
        Assert.True(theirs["active"]!.GetValue<bool>());
        (await Api.PostFormAsync($"/api/v1/tenants/{other}/oauth/introspect", Client, Form(foreign.Str("token")))).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task A_scoped_key_sees_and_revokes_only_its_microtenants_tokens()
    {
        foreach (var microtenantId in new[] { "emea", "apac" })
        {
            (await Api.PostAsync($"/api/v1/tenants/{_tenant}/microtenants", _admin, new { microtenantId, name = microtenantId })).Expect(HttpStatusCode.Created);
        }

        var scoped = await Api.CreateKeyAsync(_tenant, "service", "emea");
        var client = ApiClient.Basic(scoped.KeyId, scoped.Key);
        var emea = await SignInAsync("jo", "emea");
        var apac = await SignInAsync("kim", "apac");
        var root = await SignInAsync("lee");

        Assert.True((await IntrospectAsync(emea.Str("token"), client: client))["active"]!.GetValue<bool>());
        Assert.True((await IntrospectAsync(emea.Str("refreshToken"), client: client))["active"]!.GetValue<bool>());
        foreach (var outside in new[] { apac, root })
        {
            AssertInactive(await IntrospectAsync(outside.Str("token"), client: client));
            AssertInactive(await IntrospectAsync(outside.Str("refreshToken"), client: client));
            foreach (var token in new[] { outside.Str("token"), outside.Str("refreshToken") })
            {
                (await Api.PostFormAsync(Revoke, client, Form(token))).Expect(HttpStatusCode.OK);
            }

            Assert.True(await ActiveAsync(outside.Str("token")));
        }

        (await Api.PostFormAsync(Revoke, client, Form(emea.Str("refreshToken")))).Expect(HttpStatusCode.OK);
        Assert.False(await ActiveAsync(emea.Str("token")));
    }

    [Fact]
    public async Task Revoking_a_live_access_or_refresh_token_ends_its_session_as_a_user_logout()
    {
        foreach (var (kind, hint) in new[] { ("token", "refresh_token"), ("refreshToken", "access_token"), ("refreshToken", (string?)null) })
        {
            var session = await SignInAsync($"mo-{kind}");
            var response = (await Api.PostFormAsync(Revoke, Client, Form(session.Str(kind), hint))).Expect(HttpStatusCode.OK);

            Assert.Equal("", response.Body);
            Assert.False(await ActiveAsync(session.Str("token")));
            AssertInactive(await IntrospectAsync(session.Str("refreshToken")));
            (await Api.PostAsync($"/api/v1/tenants/{_tenant}/sessions/refresh", _service.Key, new { refreshToken = session.Str("refreshToken") }))
                .ExpectProblem(HttpStatusCode.Unauthorized, "invalid_refresh_token");
            var details = (await Api.GetAsync($"/api/v1/tenants/{_tenant}/sessions/{session.Str("sessionId")}", _admin)).Expect(HttpStatusCode.OK).Json;
            Assert.Equal("user_logout", details.Str("endReason"));

            // Again, now ended: the same answer.
            Assert.Equal("", (await Api.PostFormAsync(Revoke, Client, Form(session.Str(kind), hint))).Expect(HttpStatusCode.OK).Body);
        }
    }

    [Fact]
    public async Task Revoking_an_unknown_malformed_or_rotated_token_answers_200_and_ends_nothing()
    {
        var session = await SignInAsync("ned");
        var rotated = (await Api.PostAsync($"/api/v1/tenants/{_tenant}/sessions/refresh", _service.Key, new { refreshToken = session.Str("refreshToken") }))
            .Expect(HttpStatusCode.OK).Json;

        foreach (var token in new[] { "not-a-token", session.Str("refreshToken"), session.Str("token"), rotated.Str("token")[..^2] + "AA" })
        {
            Assert.Equal("", (await Api.PostFormAsync(Revoke, Client, Form(token))).Expect(HttpStatusCode.OK).Body);
        }

        Assert.True(await ActiveAsync(rotated.Str("token")));
    }

    [Fact]
    public async Task A_refresh_token_rotated_away_within_the_grace_introspects_as_inactive_yet_revoking_it_ends_the_session()
    {
        (await Api.PutAsync($"/api/v1/tenants/{_tenant}/policy", _admin, new
        {
            idleTimeoutSeconds = 1800, absoluteLifetimeSeconds = 36000, maxSessionsPerUser = 0, onSessionLimit = "deny", refreshReuseGraceSeconds = 60,
        })).Expect(HttpStatusCode.OK);
        var session = await SignInAsync("rae");
        var rotated = (await Api.PostAsync($"/api/v1/tenants/{_tenant}/sessions/refresh", _service.Key, new { refreshToken = session.Str("refreshToken") }))
            .Expect(HttpStatusCode.OK).Json;

        // The client that lost the refresh's answer still holds the old token: it is not current,
        // but it would still rotate, so giving it up logs out.
        AssertInactive(await IntrospectAsync(session.Str("refreshToken")));
        Assert.True(await ActiveAsync(rotated.Str("token")));
        (await Api.PostFormAsync(Revoke, Client, Form(session.Str("refreshToken")))).Expect(HttpStatusCode.OK);

        Assert.False(await ActiveAsync(rotated.Str("token")));
        var details = (await Api.GetAsync($"/api/v1/tenants/{_tenant}/sessions/{session.Str("sessionId")}", _admin)).Expect(HttpStatusCode.OK).Json;
        Assert.Equal("user_logout", details.Str("endReason"));
    }

    [Fact]
    public async Task A_renewed_sessions_access_token_is_inactive_and_its_refresh_token_active_until_the_refresh()
    {
        var session = await SignInAsync("sam");
        (await Api.PostAsync($"/api/v1/tenants/{_tenant}/sessions/{session.Str("sessionId")}/renew", _admin, null)).Expect(HttpStatusCode.NoContent);

        // As validate says renewal_required: the client must refresh, and its refresh token still does.
        AssertInactive(await IntrospectAsync(session.Str("token")));
        Assert.True((await IntrospectAsync(session.Str("refreshToken")))["active"]!.GetValue<bool>());
        var refreshed = (await Api.PostAsync($"/api/v1/tenants/{_tenant}/sessions/refresh", _service.Key, new { refreshToken = session.Str("refreshToken") }))
            .Expect(HttpStatusCode.OK).Json;
        Assert.True((await IntrospectAsync(refreshed.Str("token")))["active"]!.GetValue<bool>());
    }

    public static TheoryData<string> BadCredentials => new()
    {
        "none", "bearer", "bearer-in-basic-scheme", "wrong-password", "other-keys-id", "no-colon", "malformed-base64", "unknown-key", "operator-name-with-a-key",
    };

    [Theory]
    [MemberData(nameof(BadCredentials))]
    public async Task Bad_client_credentials_get_401_invalid_client_with_a_basic_challenge_on_both_routes(string kind)
    {
        var other = await Api.CreateKeyAsync(_tenant, "service");
        var token = (await SignInAsync($"oz-{kind}")).Str("token");
        AuthenticationHeaderValue? credentials = kind switch
        {
            "none" => null,
            "bearer" => new AuthenticationHeaderValue("Bearer", _service.Key),
            "bearer-in-basic-scheme" => new AuthenticationHeaderValue("Basic", _service.Key),
            "wrong-password" => ApiClient.Basic(_service.KeyId, other.Key[..^2] + "AA"),
            "other-keys-id" => ApiClient.Basic(other.KeyId, _service.Key),
            "no-colon" => new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(_service.Key))),
            "malformed-base64" => new AuthenticationHeaderValue("Basic", "%%%not-base64"),
            "unknown-key" => ApiClient.Basic("nope", "sgk.eA.nope.0123456789012345678901234567890123456789012"),
            _ => ApiClient.Basic("operator", _service.Key),
        };

        foreach (var path in new[] { Introspect, Revoke })
        {
            var response = await Api.PostFormAsync(path, credentials, Form(token));
            var json = response.ExpectProblem(HttpStatusCode.Unauthorized, "invalid_client");
            Assert.Equal("invalid_client", json.Str("error"));
            Assert.StartsWith("Basic realm=\"", response.Challenge);
        }

        // Nothing was revoked.
        Assert.True(await ActiveAsync(token));
    }

    [Fact]
    public async Task Keys_of_other_roles_get_403_and_the_operator_may_call()
    {
        var token = (await SignInAsync("pat")).Str("token");
        var keys = new List<(string KeyId, string Key)>();
        foreach (var role in new[] { "tenant-admin", "auditor" })
        {
            var key = await Api.CreateKeyAsync(_tenant, role);
            keys.Add(key);
            foreach (var path in new[] { Introspect, Revoke })
            {
                (await Api.PostFormAsync(path, ApiClient.Basic(key.KeyId, key.Key), Form(token))).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
            }
        }

        Assert.True(await ActiveAsync(token));

        // Traffic, not administration: these refusals leave no audit record, where one on an
        // administration route (the control) does.
        (await Api.DeleteAsync($"/api/v1/tenants/{_tenant}/sessions/no-such-session", keys[1].Key)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        var records = (await Api.GetAsync($"/api/v1/tenants/{_tenant}/audit?action=access.denied&pageSize=500", _admin)).Expect(HttpStatusCode.OK).Json["items"]!.AsArray();
        Assert.Single(records, r => r!["target"]?.GetValue<string>()?.EndsWith("/sessions/no-such-session", StringComparison.Ordinal) == true);
        Assert.DoesNotContain(records, r => r!["target"]?.GetValue<string>()?.Contains("/oauth/", StringComparison.Ordinal) == true);
        var json = await IntrospectAsync(token, client: ApiClient.Basic("operator", Api.OperatorKey));
        Assert.Equal("pat", json.Str("sub"));
    }

    [Fact]
    public async Task A_request_that_is_not_a_form_with_one_token_gets_400_invalid_request()
    {
        var token = (await SignInAsync("quin")).Str("token");
        List<(string What, HttpContent? Content)> Bodies() =>
        [
            ("no body", null),
            ("an empty form", new FormUrlEncodedContent([])),
            ("an empty token", new FormUrlEncodedContent([new("token", "")])),
            ("only a hint", new FormUrlEncodedContent([new("token_type_hint", "access_token")])),
            ("token twice", new FormUrlEncodedContent([new("token", token), new("token", token)])),
            ("hint twice", new FormUrlEncodedContent([new("token", token), new("token_type_hint", "access_token"), new("token_type_hint", "refresh_token")])),
            ("JSON", new StringContent($$"""{"token":"{{token}}"}""", Encoding.UTF8, "application/json")),
            ("multipart", new MultipartFormDataContent { { new StringContent(token), "token" } }),
            ("a form key over the reader's limit", new StringContent($"token={token}&{new string('k', 3000)}=v", Encoding.UTF8, "application/x-www-form-urlencoded")),
        ];

        foreach (var path in new[] { Introspect, Revoke })
        {
            foreach (var (what, content) in Bodies())
            {
                using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
                request.Headers.Authorization = Client;
                var response = await Api.SendAsync(request);
                var json = response.ExpectProblem(HttpStatusCode.BadRequest, "invalid_request");
                Assert.True(json.Str("error") == "invalid_request", $"{path} with {what}: {response.Body}");
            }
        }

        // A body over the API's size limit is the host's 413, as everywhere.
        var large = new Dictionary<string, string> { ["token"] = token, ["pad"] = new string('p', 70 * 1024) };
        (await Api.PostFormAsync(Introspect, Client, large)).ExpectProblem(HttpStatusCode.RequestEntityTooLarge, "payload_too_large");
        Assert.True(await ActiveAsync(token));
    }
}
