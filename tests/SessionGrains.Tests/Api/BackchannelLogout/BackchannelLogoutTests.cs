using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using SessionGrains.SessionTable;
using SessionGrains.Tests.Infrastructure;

namespace SessionGrains.Tests.Api.BackchannelLogout;

/// <summary>
/// Back-channel logout as relying parties meet it: a session of a client with a back-channel
/// logout URI ends, for any reason, and the client's endpoint (a real HTTP server) gets a logout
/// token it verifies with Microsoft.IdentityModel against the discovery document and JWKS fetched
/// over HTTP. Retries, giving up, a slow receiver beside a fast one, a logout-all's progress, key
/// rotation, and the delivery shown in session details.
/// </summary>
[Trait("Category", "Cluster")]
public sealed class BackchannelLogoutTests(BackchannelLogoutFixture fixture) : IClassFixture<BackchannelLogoutFixture>
{
    private const string Event = "http://schemas.openid.net/event/backchannel-logout";

    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    private ApiClient Api => fixture.Api;

    private LogoutReceiver Receiver => fixture.Receiver;

    private sealed record Tenant(string Id, string Admin, string ServiceKeyId, string Service, string Endpoint)
    {
        public string Path => $"/api/v1/tenants/{Id}";
    }

    [Theory]
    [InlineData("user_logout")]
    [InlineData("oauth_revoke")]
    [InlineData("admin_terminated")]
    [InlineData("bulk_terminate")]
    [InlineData("user_logout_all")]
    [InlineData("denylisted")]
    [InlineData("tenant_logout_all")]
    [InlineData("client_logout_all")]
    [InlineData("token_reuse")]
    [InlineData("evicted")]
    [InlineData("idle_timeout")]
    [InlineData("max_lifetime")]
    public async Task Every_kind_of_end_sends_one_logout_token_the_relying_party_verifies(string end)
    {
        var t = await NewTenantAsync(end switch
        {
            "evicted" => Policy(maxSessionsPerUser: 1, onSessionLimit: "evict-oldest"),
            "idle_timeout" => Policy(idleTimeoutSeconds: 60),
            "max_lifetime" => Policy(absoluteLifetimeSeconds: 120),
            _ => null,
        });
        var user = TestData.Id("u");
        var session = await Api.SignInAsync(t.Id, t.Service, user);
        var sessionId = session.Str("sessionId");
        var expectedReason = await EndAsync(t, end, user, session);

        var token = await DeliveredTokenAsync(t.Endpoint, sessionId);
        await AssertLogoutTokenAsync(t, token, user, sessionId);
        var request = Assert.Single(Receiver.Requests(t.Endpoint));
        Assert.StartsWith("application/x-www-form-urlencoded", request.ContentType);

        var details = await DeliveredDetailsAsync(t, sessionId);
        Assert.Equal(expectedReason, details.Str("endReason"));
        var delivery = details["backchannelLogout"]!.AsObject();
        Assert.Equal(1, delivery["attempts"]!.GetValue<int>());
        Assert.Null(delivery["lastError"]);
        Assert.NotNull(delivery["lastAttemptAt"]);
    }

    [Fact]
    public async Task A_receiver_that_fails_three_times_gets_the_token_on_the_fourth_attempt()
    {
        var t = await NewTenantAsync();
        Receiver.FailNext(t.Endpoint, 3);
        var user = TestData.Id("u");
        var sessionId = (await Api.SignInAsync(t.Id, t.Service, user)).Str("sessionId");
        (await Api.DeleteAsync($"{t.Path}/sessions/{sessionId}", t.Admin)).Expect(HttpStatusCode.NoContent);

        for (var attempt = 1; attempt <= 3; attempt++)
        {
            await UntilAsync(() => Receiver.Requests(t.Endpoint).Count == attempt, $"attempt {attempt} never came");
            var pending = await UntilDetailsAsync(t, sessionId, d => d["attempts"]!.GetValue<int>() == attempt);
            Assert.Equal("pending", pending.Str("status"));
            Assert.Equal("HTTP 503", pending.Str("lastError"));
            // Exponential: after the n-th failure the next try is 2^(n-1) s away, half of it jitter.
            fixture.Time.Advance(TimeSpan.FromSeconds(Math.Pow(2, attempt - 1)));
        }

        var token = await DeliveredTokenAsync(t.Endpoint, sessionId);
        await AssertLogoutTokenAsync(t, token, user, sessionId);
        var requests = Receiver.Requests(t.Endpoint);
        Assert.Equal([503, 503, 503, 200], requests.Select(r => r.Answered));
        // Every attempt carries the same jti, so a receiver that de-duplicates sees one logout.
        Assert.Single(requests.Select(r => new JsonWebToken(r.Token!).Id).Distinct());
        var delivered = (await DeliveredDetailsAsync(t, sessionId))["backchannelLogout"]!.AsObject();
        Assert.Equal(4, delivered["attempts"]!.GetValue<int>());
        Assert.Null(delivered["lastError"]);
    }

    [Fact]
    public async Task A_notice_no_receiver_accepts_is_given_up_after_twenty_four_hours()
    {
        var t = await NewTenantAsync();
        Receiver.FailNext(t.Endpoint, 1_000);
        var sessionId = (await Api.SignInAsync(t.Id, t.Service, TestData.Id("u"))).Str("sessionId");
        (await Api.DeleteAsync($"{t.Path}/sessions/{sessionId}", t.Admin)).Expect(HttpStatusCode.NoContent);

        // Retries are at most a minute apart here: each hour moved is one more attempt, until the
        // next would fall past the window.
        JsonObject delivery = null!;
        for (var hour = 0; hour <= 25; hour++)
        {
            var attempts = hour + 1;
            delivery = await UntilDetailsAsync(t, sessionId, d => d["attempts"]!.GetValue<int>() >= attempts || d.Str("status") == "failed");
            if (delivery.Str("status") == "failed")
            {
                break;
            }

            fixture.Time.Advance(TimeSpan.FromHours(1));
        }

        Assert.Equal("failed", delivery.Str("status"));
        Assert.Equal("HTTP 503", delivery.Str("lastError"));
        var attemptsMade = Receiver.Requests(t.Endpoint).Count;
        Assert.InRange(attemptsMade, 24, 26);
        fixture.Time.Advance(TimeSpan.FromHours(2));
        var progress = (await Api.GetAsync($"{t.Path}/clients/portal/backchannel-logout", t.Admin)).Expect(HttpStatusCode.OK).Json;
        Assert.Equal(1, progress["failed"]!.GetValue<long>());
        Assert.Equal(0, progress["pending"]!.GetValue<long>());
        Assert.Equal(attemptsMade, Receiver.Requests(t.Endpoint).Count);
    }

    [Fact]
    public async Task A_receiver_that_does_not_answer_holds_back_only_itself()
    {
        var slow = await NewTenantAsync(receiver: fixture.OtherReceiver);
        var fast = await NewTenantAsync();
        var slowReceiver = fixture.OtherReceiver;
        slowReceiver.Hold(slow.Endpoint);
        var slowSessions = new List<string>();
        for (var i = 0; i < 30; i++)
        {
            slowSessions.Add((await Api.SignInAsync(slow.Id, slow.Service, TestData.Id("u"))).Str("sessionId"));
        }

        // The ends answer at once: they only put a row in the outbox.
        (await Api.PostAsync($"{slow.Path}/sessions/terminate", slow.Admin, new { sessionIds = slowSessions })).Expect(HttpStatusCode.OK);
        await UntilAsync(() => slowReceiver.Waiting(slow.Endpoint) == BackchannelLogoutFixture.ConcurrencyPerReceiver, "the slow receiver never had its requests");

        var fastSessions = new List<(string User, string Session)>();
        for (var i = 0; i < 5; i++)
        {
            var user = TestData.Id("u");
            fastSessions.Add((user, (await Api.SignInAsync(fast.Id, fast.Service, user)).Str("sessionId")));
        }

        (await Api.PostAsync($"{fast.Path}/sessions/terminate", fast.Admin, new { sessionIds = fastSessions.Select(s => s.Session) })).Expect(HttpStatusCode.OK);
        foreach (var (user, session) in fastSessions)
        {
            await AssertLogoutTokenAsync(fast, await DeliveredTokenAsync(fast.Endpoint, session), user, session);
        }

        // Still held, and never more at once than the bound per receiver.
        Assert.Equal(BackchannelLogoutFixture.ConcurrencyPerReceiver, slowReceiver.Waiting(slow.Endpoint));
        Assert.Empty(slowReceiver.Accepted(slow.Endpoint));

        slowReceiver.Release(slow.Endpoint);
        await UntilAsync(() => slowReceiver.Accepted(slow.Endpoint).Count == slowSessions.Count, "the slow receiver's notices never drained");
        var sids = slowReceiver.Accepted(slow.Endpoint).Select(token => new JsonWebToken(token).GetPayloadValue<string>("sid")).ToList();
        Assert.Equal(slowSessions.Order(), sids.Order());
    }

    [Fact]
    public async Task A_logout_all_drains_in_the_background_and_its_progress_is_counted_per_client()
    {
        var t = await NewTenantAsync();
        (await Api.PostAsync($"{t.Path}/clients", t.Admin, new { clientId = "kiosk", name = "Kiosk" })).Expect(HttpStatusCode.Created);
        Receiver.Hold(t.Endpoint);
        var portal = new List<string>();
        for (var i = 0; i < 25; i++)
        {
            portal.Add((await Api.SignInAsync(t.Id, t.Service, TestData.Id("u"))).Str("sessionId"));
        }

        var kiosk = (await Api.SignInAsync(t.Id, t.Service, TestData.Id("u"), clientId: "kiosk")).Str("sessionId");
        var unregistered = (await Api.SignInAsync(t.Id, t.Service, TestData.Id("u"), clientId: "other")).Str("sessionId");
        (await Api.PostAsync($"{t.Path}/logout-all", t.Admin, new { clientId = (string?)null })).Expect(HttpStatusCode.OK);

        await UntilAsync(async () => (await ProgressAsync(t, "portal")) is { Pending: 25, Delivered: 0 }, "the logout-all's notices were never queued");
        Receiver.Release(t.Endpoint);
        await UntilAsync(async () => (await ProgressAsync(t, "portal")) is { Pending: 0, Delivered: 25, Failed: 0 }, "the logout-all never drained");
        Assert.Equal(portal.Order(), Receiver.Accepted(t.Endpoint).Select(token => new JsonWebToken(token).GetPayloadValue<string>("sid")).Order());
        Assert.Equal((0, 0, 0), await ProgressAsync(t, "kiosk"));

        // No URI, no notice; and a session signed in since is live, with none either.
        var kioskDetails = (await Api.GetAsync($"{t.Path}/sessions/{kiosk}", t.Admin)).Expect(HttpStatusCode.OK).Json;
        Assert.Equal("tenant_logout_all", kioskDetails.Str("endReason"));
        Assert.Null(kioskDetails["backchannelLogout"]);
        var after = (await Api.SignInAsync(t.Id, t.Service, TestData.Id("u"))).Str("sessionId");
        Assert.Null((await Api.GetAsync($"{t.Path}/sessions/{after}", t.Admin)).Expect(HttpStatusCode.OK).Json["backchannelLogout"]);
        var unregisteredDetails = (await Api.GetAsync($"{t.Path}/sessions/{unregistered}", t.Admin)).Expect(HttpStatusCode.OK).Json;
        Assert.Equal("tenant_logout_all", unregisteredDetails.Str("endReason"));
        Assert.Null(unregisteredDetails["backchannelLogout"]);

        // The sessions' own ends, stored later on access, add no second notice.
        foreach (var sessionId in portal.Take(5))
        {
            Assert.Equal("delivered", (await Api.GetAsync($"{t.Path}/sessions/{sessionId}", t.Admin)).Expect(HttpStatusCode.OK).Json["backchannelLogout"]!.AsObject().Str("status"));
        }

        await SweepAsync(t);
        Assert.Equal((0, 25, 0), await ProgressAsync(t, "portal"));
        Assert.Equal(25, Receiver.Requests(t.Endpoint).Count);
    }

    [Fact]
    public async Task Tokens_signed_before_a_key_rotation_verify_during_the_overlap()
    {
        var t = await NewTenantAsync();
        var before = await EndOneAsync(t);
        var rotated = (await Api.PostAsync($"{t.Path}/signing-keys/rotate", t.Admin, null)).Expect(HttpStatusCode.OK).Json.Str("kid");
        var after = await EndOneAsync(t);

        // A relying party that fetches the keys now verifies both.
        var old = await fixture.VerifyAsync(t.Id, "portal", before.Token);
        var current = await fixture.VerifyAsync(t.Id, "portal", after.Token);
        Assert.Equal(rotated, current.Kid);
        Assert.NotEqual(rotated, old.Kid);

        // A day later the old key is gone: a token it signed no longer verifies.
        fixture.Time.Advance(TimeSpan.FromHours(24) + TimeSpan.FromMinutes(1));
        var jwks = (await Api.GetAsync($"{t.Path}/.well-known/jwks.json", null)).Expect(HttpStatusCode.OK).Json;
        Assert.Equal([rotated], jwks["keys"]!.AsArray().Select(k => k!["kid"]!.GetValue<string>()));
    }

    [Fact]
    public async Task Details_show_no_delivery_for_a_live_session_or_a_client_without_a_uri()
    {
        var t = await NewTenantAsync();
        var live = (await Api.SignInAsync(t.Id, t.Service, TestData.Id("u"))).Str("sessionId");
        var untold = (await Api.SignInAsync(t.Id, t.Service, TestData.Id("u"), clientId: "unregistered")).Str("sessionId");
        (await Api.DeleteAsync($"{t.Path}/sessions/{untold}", t.Admin)).Expect(HttpStatusCode.NoContent);

        var liveDetails = (await Api.GetAsync($"{t.Path}/sessions/{live}", t.Admin)).Expect(HttpStatusCode.OK).Json;
        Assert.True(liveDetails.ContainsKey("backchannelLogout"));
        Assert.Null(liveDetails["backchannelLogout"]);
        Assert.Null((await Api.GetAsync($"{t.Path}/sessions/{untold}", t.Admin)).Expect(HttpStatusCode.OK).Json["backchannelLogout"]);
        Assert.Empty(Receiver.Requests(t.Endpoint));
    }

    [Fact]
    public async Task Progress_is_the_tenant_admins_and_names_any_client()
    {
        var t = await NewTenantAsync();
        var (_, auditor) = await Api.CreateKeyAsync(t.Id, "auditor");
        (await Api.GetAsync($"{t.Path}/clients/portal/backchannel-logout", t.Service)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        (await Api.GetAsync($"{t.Path}/clients/portal/backchannel-logout", auditor)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        (await Api.GetAsync($"{t.Path}/clients/portal/backchannel-logout", null)).Expect(HttpStatusCode.Unauthorized);
        // Bad input tried: a client id that is not an identifier.
        (await Api.GetAsync($"{t.Path}/clients/{new string('x', 300)}/backchannel-logout", t.Admin)).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        var never = (await Api.GetAsync($"{t.Path}/clients/never-registered/backchannel-logout", t.Admin)).Expect(HttpStatusCode.OK).Json;
        Assert.Equal("never-registered", never.Str("clientId"));
        Assert.Equal(0, never["pending"]!.GetValue<long>() + never["delivered"]!.GetValue<long>() + never["failed"]!.GetValue<long>());
    }

    [Fact]
    public async Task Delivered_notices_are_purged_after_the_retention_and_undelivered_ones_stay()
    {
        var t = await NewTenantAsync();
        var delivered = await EndOneAsync(t);
        Receiver.FailNext(t.Endpoint, 1_000);
        var pending = (await Api.SignInAsync(t.Id, t.Service, TestData.Id("u"))).Str("sessionId");
        (await Api.DeleteAsync($"{t.Path}/sessions/{pending}", t.Admin)).Expect(HttpStatusCode.NoContent);
        await UntilDetailsAsync(t, pending, d => d["attempts"]!.GetValue<int>() >= 1);
        Assert.Equal((1, 1, 0), await ProgressAsync(t, "portal"));

        // Seven days after its last attempt a delivered notice goes (the purge runs hourly on the
        // session clock); the pending one stays, whatever its age, until it is delivered or given up.
        fixture.Time.Advance(TimeSpan.FromDays(7) + TimeSpan.FromHours(2));
        await UntilAsync(async () => (await ProgressAsync(t, "portal")).Delivered == 0, "the delivered notice was never purged");
        // One reading: the notice may turn from pending to failed between two.
        var after = await ProgressAsync(t, "portal");
        Assert.Equal(1, after.Pending + after.Failed);
        Assert.Null((await Api.GetAsync($"{t.Path}/sessions/{delivered.SessionId}", t.Admin)).Expect(HttpStatusCode.OK).Json["backchannelLogout"]);
    }

    private async Task<(string SessionId, string Token)> EndOneAsync(Tenant t)
    {
        var user = TestData.Id("u");
        var sessionId = (await Api.SignInAsync(t.Id, t.Service, user)).Str("sessionId");
        (await Api.DeleteAsync($"{t.Path}/sessions/{sessionId}", t.Admin)).Expect(HttpStatusCode.NoContent);
        return (sessionId, await DeliveredTokenAsync(t.Endpoint, sessionId));
    }

    /// <summary>Ends <paramref name="session"/> the way <paramref name="end"/> names; returns the endReason it must show.</summary>
    private async Task<string> EndAsync(Tenant t, string end, string user, JsonObject session)
    {
        var sessionId = session.Str("sessionId");
        switch (end)
        {
            case "user_logout":
                (await Api.PostAsync($"{t.Path}/sessions/logout", t.Service, new { token = session.Str("token") })).Expect(HttpStatusCode.NoContent);
                return "user_logout";
            case "oauth_revoke":
                (await Api.PostFormAsync($"{t.Path}/oauth/revoke", ApiClient.Basic(t.ServiceKeyId, t.Service),
                    [new("token", session.Str("refreshToken")), new("token_type_hint", "refresh_token")])).Expect(HttpStatusCode.OK);
                return "user_logout";
            case "admin_terminated":
                (await Api.DeleteAsync($"{t.Path}/sessions/{sessionId}", t.Admin)).Expect(HttpStatusCode.NoContent);
                return "admin_terminated";
            case "bulk_terminate":
                (await Api.PostAsync($"{t.Path}/sessions/terminate", t.Admin, new { sessionIds = new[] { sessionId } })).Expect(HttpStatusCode.OK);
                return "admin_terminated";
            case "user_logout_all":
                (await Api.PostAsync($"{t.Path}/users/{user}/logout", t.Admin, null)).Expect(HttpStatusCode.OK);
                return "user_logout_all";
            case "denylisted":
                (await Api.PutAsync($"{t.Path}/users/{user}/denylist", t.Admin, new { reason = "stolen laptop" })).Expect(HttpStatusCode.OK);
                return "denylisted";
            case "tenant_logout_all":
                (await Api.PostAsync($"{t.Path}/logout-all", t.Admin, null)).Expect(HttpStatusCode.OK);
                return "tenant_logout_all";
            case "client_logout_all":
                (await Api.PostAsync($"{t.Path}/logout-all", t.Admin, new { clientId = "portal" })).Expect(HttpStatusCode.OK);
                return "tenant_logout_all";
            case "token_reuse":
                var first = session.Str("refreshToken");
                (await Api.PostAsync($"{t.Path}/sessions/refresh", t.Service, new { refreshToken = first })).Expect(HttpStatusCode.OK);
                (await Api.PostAsync($"{t.Path}/sessions/refresh", t.Service, new { refreshToken = first })).Expect(HttpStatusCode.Unauthorized);
                return "token_reuse";
            case "evicted":
                await Api.SignInAsync(t.Id, t.Service, user);
                return "evicted";
            case "idle_timeout":
                // Never seen again: the sweep finds it expired and has it store its end.
                fixture.Time.Advance(TimeSpan.FromSeconds(60 + 46));
                await SweepAsync(t);
                return "idle_timeout";
            case "max_lifetime":
                // Seen again after its lifetime: the access stores the end.
                fixture.Time.Advance(TimeSpan.FromSeconds(121));
                Assert.False((await Api.ValidateAsync(t.Id, t.Service, session.Str("token")))["active"]!.GetValue<bool>());
                return "max_lifetime";
            default:
                throw new ArgumentOutOfRangeException(nameof(end), end, null);
        }
    }

    private async Task AssertLogoutTokenAsync(Tenant t, string token, string user, string sessionId)
    {
        var jwt = await fixture.VerifyAsync(t.Id, "portal", token);
        Assert.Equal("ES256", jwt.Alg);
        Assert.Equal("logout+jwt", jwt.Typ);
        Assert.False(string.IsNullOrEmpty(jwt.Kid));
        Assert.Equal(user, jwt.Subject);
        Assert.Equal(sessionId, jwt.GetPayloadValue<string>("sid"));
        Assert.Equal(["portal"], jwt.Audiences);
        Assert.False(string.IsNullOrEmpty(jwt.Id));
        Assert.Equal(120, (jwt.ValidTo - jwt.IssuedAt).TotalSeconds);
        var payload = JsonNode.Parse(Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(jwt.EncodedPayload)))!.AsObject();
        Assert.False(payload.ContainsKey("nonce"));
        var events = payload["events"]!.AsObject();
        Assert.Equal([Event], events.Select(e => e.Key));
        Assert.Empty(events[Event]!.AsObject());
    }

    private async Task<Tenant> NewTenantAsync(object? policy = null, LogoutReceiver? receiver = null)
    {
        var id = TestData.Id("bcl");
        await Api.CreateTenantAsync(id);
        var (_, admin) = await Api.CreateKeyAsync(id, "tenant-admin");
        var (serviceKeyId, service) = await Api.CreateKeyAsync(id, "service");
        var t = new Tenant(id, admin, serviceKeyId, service, TestData.Id("rp"));
        (await Api.PostAsync($"{t.Path}/clients", admin, new
        {
            clientId = "portal", name = "Portal", backchannelLogoutUri = (receiver ?? Receiver).Url(t.Endpoint), backchannelLogoutSessionRequired = true,
        })).Expect(HttpStatusCode.Created);
        if (policy is not null)
        {
            (await Api.PutAsync($"{t.Path}/policy", admin, policy)).Expect(HttpStatusCode.OK);
        }

        return t;
    }

    private static object Policy(
        int idleTimeoutSeconds = 0, int absoluteLifetimeSeconds = 0, int maxSessionsPerUser = 0, string onSessionLimit = "deny") =>
        new { idleTimeoutSeconds, absoluteLifetimeSeconds, maxSessionsPerUser, onSessionLimit, refreshReuseGraceSeconds = 0 };

    private async Task SweepAsync(Tenant t)
    {
        for (var shard = 0; shard < 8; shard++)
        {
            await fixture.Grains.GetGrain<ISessionTableShardGrain>(GrainKeys.Shard(t.Id, shard)).Sweep();
        }
    }

    private async Task<(long Pending, long Delivered, long Failed)> ProgressAsync(Tenant t, string clientId)
    {
        var json = (await Api.GetAsync($"{t.Path}/clients/{clientId}/backchannel-logout", t.Admin)).Expect(HttpStatusCode.OK).Json;
        return (json["pending"]!.GetValue<long>(), json["delivered"]!.GetValue<long>(), json["failed"]!.GetValue<long>());
    }

    private async Task<string> DeliveredTokenAsync(string endpoint, string sessionId)
    {
        string? found = null;
        await UntilAsync(
            () => (found = Receiver.Accepted(endpoint).FirstOrDefault(token => new JsonWebToken(token).GetPayloadValue<string>("sid") == sessionId)) is not null,
            $"no logout token for session {sessionId} reached {endpoint}");
        return found!;
    }

    private Task<JsonObject> DeliveredDetailsAsync(Tenant t, string sessionId) =>
        UntilSessionAsync(t, sessionId, d => d["backchannelLogout"] is JsonObject b && b.Str("status") == "delivered");

    private async Task<JsonObject> UntilDetailsAsync(Tenant t, string sessionId, Func<JsonObject, bool> done) =>
        (await UntilSessionAsync(t, sessionId, d => d["backchannelLogout"] is JsonObject b && done(b)))["backchannelLogout"]!.AsObject();

    private async Task<JsonObject> UntilSessionAsync(Tenant t, string sessionId, Func<JsonObject, bool> done)
    {
        JsonObject details = null!;
        await UntilAsync(async () => done(details = (await Api.GetAsync($"{t.Path}/sessions/{sessionId}", t.Admin)).Expect(HttpStatusCode.OK).Json),
            () => $"session {sessionId}: {details?.ToJsonString()}");
        return details;
    }

    private static Task UntilAsync(Func<bool> done, string failure) => UntilAsync(() => Task.FromResult(done()), () => failure);

    private static Task UntilAsync(Func<Task<bool>> done, string failure) => UntilAsync(done, () => failure);

    private static Task UntilAsync(Func<Task<bool>> done, Func<string> failure) => Poll.UntilAsync(_ => done(), Limit, failure, CancellationToken.None);
}
