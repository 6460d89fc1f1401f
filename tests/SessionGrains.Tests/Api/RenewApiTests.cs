using System.Net;
using System.Text.Json.Nodes;
using SessionGrains.Tests.Infrastructure;

namespace SessionGrains.Tests.Api;

/// <summary>
/// Renewing tokens through the API, to push an entitlement change: one session, many, or a user's.
/// The renewed session's current access token validates as <c>renewal_required</c> (and counts as
/// no activity) until its client refreshes; the refresh succeeds and its token validates with the
/// new claims. Bad input tried: claims that are an array, a string, a number, over 16 KB; no ids,
/// too many, a bad id; an unknown session, an ended one; an auditor's and a service key.
/// </summary>
[Trait("Category", "Cluster")]
[Collection(SiloCollection.Name)]
public sealed class RenewApiTests(SiloFixture fixture) : IAsyncLifetime
{
    private readonly string _tenant = TestData.Id("renew");
    private string _admin = "";
    private string _service = "";
    private string _auditor = "";

    private ApiClient Api => fixture.Api;

    private string T => $"/api/v1/tenants/{_tenant}";

    public async Task InitializeAsync()
    {
        await Api.CreateTenantAsync(_tenant);
        (_, _admin) = await Api.CreateKeyAsync(_tenant, "tenant-admin");
        (_, _service) = await Api.CreateKeyAsync(_tenant, "service");
        (_, _auditor) = await Api.CreateKeyAsync(_tenant, "auditor");
        foreach (var microtenantId in new[] { "emea", "apac" })
        {
            (await Api.PostAsync($"{T}/microtenants", Api.OperatorKey, new { microtenantId, name = microtenantId })).Expect(HttpStatusCode.Created);
        }
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private Task<JsonObject> ValidateAsync(string token) => Api.ValidateAsync(_tenant, _service, token);

    private async Task<string> ReasonAsync(string token) => (await ValidateAsync(token))["reason"]?.GetValue<string>() ?? "active";

    private async Task<JsonObject> RefreshAsync(string refreshToken) =>
        (await Api.PostAsync($"{T}/sessions/refresh", _service, new { refreshToken })).Expect(HttpStatusCode.OK).Json;

    private async Task<JsonObject> SignInAsync(string userId, string? microtenantId = null) =>
        (await Api.PostAsync($"{T}/sessions", _service, new
        {
            userId, clientId = "portal", ipAddress = "203.0.113.7", microtenantId, claims = new { groups = "eng" },
        })).Expect(HttpStatusCode.Created).Json;

    [Fact]
    public async Task A_renewed_sessions_token_needs_a_refresh_which_carries_the_new_claims()
    {
        var session = await SignInAsync("ada");
        var sessionId = session.Str("sessionId");

        (await Api.PostAsync($"{T}/sessions/{sessionId}/renew", _admin, new { claims = new { groups = "eng,admins", level = 2 } }))
            .Expect(HttpStatusCode.NoContent);

        var stale = await ValidateAsync(session.Str("token"));
        Assert.False(stale["active"]!.GetValue<bool>());
        Assert.Equal("renewal_required", stale.Str("reason"));
        var details = (await Api.GetAsync($"{T}/sessions/{sessionId}", _admin)).Expect(HttpStatusCode.OK).Json;
        Assert.True(details["renewalRequired"]!.GetValue<bool>());
        Assert.Equal("active", details.Str("status"));

        var refreshed = await RefreshAsync(session.Str("refreshToken"));
        var fresh = await ValidateAsync(refreshed.Str("token"));
        Assert.True(fresh["active"]!.GetValue<bool>());
        Assert.Equal("eng,admins", fresh["claims"]!["groups"]!.GetValue<string>());
        Assert.Equal(2, fresh["claims"]!["level"]!.GetValue<int>());
        Assert.Equal("unknown", await ReasonAsync(session.Str("token"))); // rotated away
        Assert.False((await Api.GetAsync($"{T}/sessions/{sessionId}", _admin)).Json["renewalRequired"]!.GetValue<bool>());

        var audit = (await Api.GetAsync($"{T}/audit?action=session.renew", _admin)).Expect(HttpStatusCode.OK).Json;
        var record = audit["items"]!.AsArray().Select(i => i!.AsObject()).Single(r => r.Str("target") == sessionId);
        Assert.True(record["details"]!["claimsReplaced"]!.GetValue<bool>());
    }

    [Fact]
    public async Task A_renew_without_claims_keeps_the_sessions_claims()
    {
        var session = await SignInAsync("bob");
        (await Api.PostAsync($"{T}/sessions/{session.Str("sessionId")}/renew", _admin, null)).Expect(HttpStatusCode.NoContent);
        Assert.Equal("renewal_required", await ReasonAsync(session.Str("token")));

        var refreshed = await RefreshAsync(session.Str("refreshToken"));
        Assert.Equal("eng", (await ValidateAsync(refreshed.Str("token")))["claims"]!["groups"]!.GetValue<string>());
    }

    [Fact]
    public async Task Bulk_renew_answers_per_id_in_the_order_asked_and_a_microtenant_admin_renews_only_its_own()
    {
        var live = await SignInAsync("cy");
        var ended = await SignInAsync("dee");
        (await Api.DeleteAsync($"{T}/sessions/{ended.Str("sessionId")}", _admin)).Expect(HttpStatusCode.NoContent);
        var emea = await SignInAsync("eve", "emea");
        var apac = await SignInAsync("fay", "apac");
        var (_, emeaAdmin) = await Api.CreateKeyAsync(_tenant, "microtenant-admin", "emea");

        var ids = new[] { apac.Str("sessionId"), "no-such-session", emea.Str("sessionId"), live.Str("sessionId"), ended.Str("sessionId") };
        var results = (await Api.PostAsync($"{T}/sessions/renew", emeaAdmin, new { sessionIds = ids })).Expect(HttpStatusCode.OK).Json["results"]!.AsArray();
        Assert.Equal(ids, results.Select(r => r!["sessionId"]!.GetValue<string>()));
        Assert.Equal(["forbidden", "not_found", "renewed", "forbidden", "forbidden"], results.Select(r => r!["outcome"]!.GetValue<string>()));
        Assert.Equal("renewal_required", await ReasonAsync(emea.Str("token")));
        Assert.Equal("active", await ReasonAsync(apac.Str("token")));
        Assert.Equal("active", await ReasonAsync(live.Str("token")));

        var all = (await Api.PostAsync($"{T}/sessions/renew", _admin, new { sessionIds = ids })).Expect(HttpStatusCode.OK).Json["results"]!.AsArray();
        Assert.Equal(["renewed", "not_found", "renewed", "renewed", "not_active"], all.Select(r => r!["outcome"]!.GetValue<string>()));
        Assert.Equal("renewal_required", await ReasonAsync(live.Str("token")));
    }

    [Fact]
    public async Task Renewing_a_user_renews_each_of_its_live_sessions_in_the_callers_scope()
    {
        var one = await SignInAsync("gil");
        var two = await SignInAsync("gil", "emea");
        var three = await SignInAsync("gil", "apac");
        var (_, emeaAdmin) = await Api.CreateKeyAsync(_tenant, "microtenant-admin", "emea");

        var scoped = (await Api.PostAsync($"{T}/users/gil/renew", emeaAdmin, new { claims = new { plan = "pro" } })).Expect(HttpStatusCode.OK).Json;
        Assert.Equal(1, scoped["renewed"]!.GetValue<int>());
        Assert.Equal("renewal_required", await ReasonAsync(two.Str("token")));
        Assert.Equal("active", await ReasonAsync(one.Str("token")));

        var all = (await Api.PostAsync($"{T}/users/gil/renew", _admin, null)).Expect(HttpStatusCode.OK).Json;
        Assert.Equal(3, all["renewed"]!.GetValue<int>());
        foreach (var session in new[] { one, two, three })
        {
            Assert.Equal("renewal_required", await ReasonAsync(session.Str("token")));
        }

        Assert.Equal("pro", (await ValidateAsync((await RefreshAsync(two.Str("refreshToken"))).Str("token")))["claims"]!["plan"]!.GetValue<string>());
        Assert.Equal(0, (await Api.PostAsync($"{T}/users/nobody/renew", _admin, null)).Expect(HttpStatusCode.OK).Json["renewed"]!.GetValue<int>());
    }

    [Theory]
    [InlineData("""{"claims":[1,2]}""")]
    [InlineData("""{"claims":"groups"}""")]
    [InlineData("""{"claims":42}""")]
    public async Task Claims_that_are_no_object_are_refused_and_nothing_is_renewed(string body)
    {
        var session = await SignInAsync("hal");
        var problem = (await Api.SendAsync(HttpMethod.Post, $"{T}/sessions/{session.Str("sessionId")}/renew", _admin, rawBody: body))
            .ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.NotNull(problem["errors"]!["claims"]);
        Assert.Equal("active", await ReasonAsync(session.Str("token")));
    }

    [Fact]
    public async Task Oversized_claims_bad_ids_unknown_and_ended_sessions_and_the_wrong_roles_are_refused_plainly()
    {
        var session = await SignInAsync("ike");
        var id = session.Str("sessionId");
        var big = new JsonObject { ["blob"] = new string('x', 17 * 1024) };
        (await Api.PostAsync($"{T}/sessions/{id}/renew", _admin, new { claims = big })).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        (await Api.PostAsync($"{T}/sessions/renew", _admin, new { sessionIds = Array.Empty<string>() })).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        (await Api.PostAsync($"{T}/sessions/renew", _admin, new { sessionIds = Enumerable.Range(0, 1001).Select(i => $"s{i}") }))
            .ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        (await Api.PostAsync($"{T}/sessions/renew", _admin, new { sessionIds = new[] { "bad id!" } })).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        (await Api.PostAsync($"{T}/sessions/renew", _admin, new { })).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        (await Api.PostAsync($"{T}/sessions/no-such-session/renew", _admin, null)).ExpectProblem(HttpStatusCode.NotFound, "session_not_found");
        (await Api.PostAsync($"{T}/sessions/{id}/renew", _auditor, null)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        (await Api.PostAsync($"{T}/sessions/{id}/renew", _service, null)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal("active", await ReasonAsync(session.Str("token")));

        (await Api.DeleteAsync($"{T}/sessions/{id}", _admin)).Expect(HttpStatusCode.NoContent);
        (await Api.PostAsync($"{T}/sessions/{id}/renew", _admin, null)).ExpectProblem(HttpStatusCode.Conflict, "session_not_active");
        Assert.Equal("terminated", await ReasonAsync(session.Str("token")));
    }
}
