using System.Net;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using SessionGrains.Tests.Infrastructure;

namespace SessionGrains.Tests.Api;

/// <summary>
/// The isolation matrix: every route the app serves under /api/v1, read from its endpoint data
/// source (so a new route without a line here fails the first test), × every kind of key × every
/// target (its own tenant, another tenant, its own microtenant, another microtenant, a tenant that
/// does not exist) → the status the contract gives. Each line below is written from the contract,
/// not read from the app. Reads are also checked for content: no answer a key gets holds anything
/// of a scope it may not see (other tenant, other microtenant, the tenant outside its microtenant),
/// and, as a control that the markers are there to be found, the operator's answer to the same
/// read holds its target's marker. A write a scoped key may call on something outside its scope
/// leaves that thing as it was.
/// </summary>
[Trait("Category", "Cluster")]
[Collection(SiloCollection.Name)]
public sealed class IsolationMatrixTests(SiloFixture fixture) : IAsyncLifetime
{
    /// <summary>What a request is aimed at.</summary>
    public enum Target { OwnTenant, OtherTenant, OwnMicrotenant, OtherMicrotenant, UnknownTenant }

    /// <summary>Every kind of key, all of the tenant <see cref="_tenant"/> (but the operator); scoped keys are scoped to <c>emea</c>.</summary>
    public static TheoryData<string> Callers => new()
    {
        "operator", "tenant-admin", "auditor", "scoped-auditor", "microtenant-admin", "service", "scoped-service",
    };

    private static readonly string[] Scoped = ["scoped-auditor", "microtenant-admin", "scoped-service"];

    private readonly string _tenant = TestData.Id("iso");
    private readonly string _other = TestData.Id("iso");
    private readonly string _ghost = TestData.Id("ghost");
    private readonly Dictionary<string, string?> _keys = [];
    private readonly Dictionary<string, string> _serviceKeys = [];
    private int _serial;

    private ApiClient Api => fixture.Api;

    /// <summary>
    /// Where a target puts a request: its tenant, its microtenant (null: none), and the marker every
    /// object made there carries; <see cref="CallerKey"/> is the key about to call, for the routes
    /// whose object is the key's own (its saved filters).
    /// </summary>
    private sealed record Scope(string TenantId, string? MicrotenantId, string Mark, bool Exists)
    {
        public string? CallerKey { get; init; }
    }

    private Scope ScopeOf(Target target) => target switch
    {
        Target.OwnTenant => new(_tenant, null, "mk-root", true),
        Target.OwnMicrotenant => new(_tenant, "emea", "mk-emea", true),
        Target.OtherMicrotenant => new(_tenant, "apac", "mk-apac", true),
        Target.OtherTenant => new(_other, null, "mk-other", true),
        _ => new(_ghost, null, "mk-ghost", false),
    };

    public async Task InitializeAsync()
    {
        foreach (var (tenantId, name) in new[] { (_tenant, "mk-root-tenant"), (_other, "mk-other-tenant") })
        {
            (await Api.PostAsync("/api/v1/tenants", Api.OperatorKey, new { tenantId, name })).Expect(HttpStatusCode.Created);
        }

        foreach (var (microtenantId, mark) in new[] { ("emea", "mk-emea"), ("apac", "mk-apac") })
        {
            (await Api.PostAsync($"/api/v1/tenants/{_tenant}/microtenants", Api.OperatorKey, new { microtenantId, name = $"{mark}-name" }))
                .Expect(HttpStatusCode.Created);
        }

        _keys["operator"] = Api.OperatorKey;
        _keys["tenant-admin"] = await KeyAsync(_tenant, "tenant-admin", null, "mk-root-admin");
        _keys["auditor"] = await KeyAsync(_tenant, "auditor", null, "mk-root-auditor");
        _keys["service"] = await KeyAsync(_tenant, "service", null, "mk-root-service");
        _keys["scoped-auditor"] = await KeyAsync(_tenant, "auditor", "emea", "mk-emea-auditor");
        _keys["microtenant-admin"] = await KeyAsync(_tenant, "microtenant-admin", "emea", "mk-emea-admin");
        _keys["scoped-service"] = await KeyAsync(_tenant, "service", "emea", "mk-emea-service");
        _serviceKeys[_tenant] = _keys["service"]!;
        _serviceKeys[_other] = await KeyAsync(_other, "service", null, "mk-other-service");
        var apacAdmin = await KeyAsync(_tenant, "microtenant-admin", "apac", "mk-apac-admin");
        var otherAdmin = await KeyAsync(_other, "tenant-admin", null, "mk-other-admin");

        // Something of every scope in every list: sessions, a denylisted user, an audit record by a key of that scope.
        foreach (var target in new[] { Target.OwnTenant, Target.OwnMicrotenant, Target.OtherMicrotenant, Target.OtherTenant })
        {
            await SessionAsync(ScopeOf(target));
        }

        (await Api.PutAsync($"/api/v1/tenants/{_tenant}/users/mk-root-denied/denylist", Api.OperatorKey, new { reason = "mk-root" })).Expect(HttpStatusCode.OK);
        foreach (var (tenantId, clientId) in new[] { (_tenant, "mk-root-client"), (_other, "mk-other-client") })
        {
            (await Api.PostAsync($"/api/v1/tenants/{tenantId}/clients", Api.OperatorKey, new { clientId, name = clientId })).Expect(HttpStatusCode.Created);
        }

        (await Api.PutAsync($"/api/v1/tenants/{_other}/users/mk-other-denied/denylist", Api.OperatorKey, new { reason = "mk-other" })).Expect(HttpStatusCode.OK);
        foreach (var (tenant, key, user) in new[]
        {
            (_tenant, _keys["tenant-admin"]!, "mk-root-audited"), (_tenant, _keys["microtenant-admin"]!, "mk-emea-audited"),
            (_tenant, apacAdmin, "mk-apac-audited"), (_other, otherAdmin, "mk-other-audited"),
        })
        {
            (await Api.PostAsync($"/api/v1/tenants/{tenant}/users/{user}/logout", key, null)).Expect(HttpStatusCode.OK);
        }

        // Saved filters of keys of every scope: no other key's list may show them.
        foreach (var (key, name) in new[]
        {
            (_keys["tenant-admin"]!, "mk-root-filter"), (apacAdmin, "mk-apac-filter"), (otherAdmin, "mk-other-filter"),
        })
        {
            (await Api.PutAsync($"/api/v1/me/filters/{name}", key, new { query = new { status = "active" } })).Expect(HttpStatusCode.OK);
        }

        var deleted = await Api.CreateKeyAsync(_tenant, "tenant-admin");
        (await Api.DeleteAsync($"/api/v1/tenants/{_tenant}/api-keys/{deleted.KeyId}", Api.OperatorKey)).Expect(HttpStatusCode.NoContent);
        _keys["deleted"] = deleted.Key;
        _keys["none"] = null;
        _keys["malformed"] = "not-a-key";
        _keys["unknown"] = "sgk." + Convert.ToBase64String("x"u8).TrimEnd('=') + ".abc.0123456789012345678901234567890123456789012";
        _keys["wrong-operator"] = Api.OperatorKey + "x";
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private async Task<string> KeyAsync(string tenantId, string role, string? microtenantId, string name) =>
        (await Api.PostAsync($"/api/v1/tenants/{tenantId}/api-keys", Api.OperatorKey, new { name, role, microtenantId }))
            .Expect(HttpStatusCode.Created).Json.Str("key");

    private string Fresh(Scope scope) => $"{scope.Mark}-{Interlocked.Increment(ref _serial)}";

    /// <summary>A new session in <paramref name="scope"/> (its user, device name and id carry the scope's marker); made-up ids where the tenant does not exist.</summary>
    private async Task<(string UserId, string SessionId, string Token, string RefreshToken)> SessionAsync(Scope scope)
    {
        var userId = Fresh(scope);
        if (!scope.Exists)
        {
            return (userId, "no-such-session", "sgs.no.such", "sgr.no.such");
        }

        fixture.Time.Advance(TimeSpan.FromMilliseconds(1));
        var json = (await Api.PostAsync($"/api/v1/tenants/{scope.TenantId}/sessions", _serviceKeys[scope.TenantId], new
        {
            userId, clientId = "portal", ipAddress = "203.0.113.7", sessionName = $"{scope.Mark}-device", microtenantId = scope.MicrotenantId,
        })).Expect(HttpStatusCode.Created).Json;
        return (userId, json.Str("sessionId"), json.Str("token"), json.Str("refreshToken"));
    }

    private async Task<bool> ActiveAsync(Scope scope, string token) =>
        (await Api.ValidateAsync(scope.TenantId, _serviceKeys[scope.TenantId], token))["active"]!.GetValue<bool>();

    /// <summary>
    /// One request of a line, and for a write, how to tell that what it aimed at was left alone. A
    /// call with a <see cref="Form"/> is an OAuth one: a form body, the key as client credentials.
    /// With <see cref="UserToken"/> it is a gateway's forward auth: the key in <c>X-Api-Key</c>, the token in <c>Authorization</c>.
    /// </summary>
    private sealed record Call(HttpMethod Method, string Path, object? Body, Func<Task<bool>>? Untouched = null)
    {
        public Dictionary<string, string>? Form { get; init; }

        public string? UserToken { get; init; }
    }

    /// <summary>
    /// Sends a line's request as <paramref name="key"/>: as a bearer key; on the OAuth routes as
    /// client credentials, with the id the key names as the user name (the operator: "operator");
    /// on forward auth in <c>X-Api-Key</c>.
    /// </summary>
    private Task<Response> SendAsync(Call call, string? key)
    {
        if (call.Form is { } form)
        {
            return Api.PostFormAsync(call.Path, key is null ? null : ApiClient.Basic(key.Split('.') is ["sgk", _, var id, _] ? id : "operator", key), form);
        }

        if (call.UserToken is not { } token)
        {
            return Api.SendAsync(call.Method, call.Path, key, call.Body);
        }

        var request = new HttpRequestMessage(call.Method, call.Path);
        if (key is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Api-Key", key);
        }

        request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {token}");
        return SendDisposingAsync(request);
    }

    private async Task<Response> SendDisposingAsync(HttpRequestMessage request)
    {
        using (request)
        {
            return await Api.SendAsync(request);
        }
    }

    /// <summary>What a key whose microtenant does not hold the target gets: the line's success, or a status with its code.</summary>
    private sealed record Outside(HttpStatusCode? Status = null, string? Code = null)
    {
        public static Outside Success { get; } = new();

        public static Outside Forbidden { get; } = new(HttpStatusCode.Forbidden, "forbidden");

        public static Outside SessionNotFound { get; } = new(HttpStatusCode.NotFound, "session_not_found");
    }

    /// <summary>
    /// One route: who may call it on its own tenant, what success is, whether it refuses every
    /// microtenant-scoped key (tenant-wide), what a scoped key gets for the tenant outside its
    /// microtenant (<paramref name="Root"/>) and for another microtenant (<paramref name="Apart"/>),
    /// whether it is a read whose answer is checked, and how to make the request for a target.
    /// </summary>
    private sealed record Line(
        string Method, string Pattern, string[] Allowed, HttpStatusCode Success, bool TenantWide, Outside Root, Outside Apart, bool Read,
        Func<Scope, Task<Call>> Build)
    {
        /// <summary>A route outside /tenants/{tenantId}: its target is the caller itself, so no other tenant applies.</summary>
        public bool Tenantless => !Pattern.Contains("{tenantId}", StringComparison.Ordinal);

        /// <summary>For a tenantless route, whether the request names a microtenant, so the microtenant targets apply.</summary>
        public bool NamesMicrotenant { get; init; }

        /// <summary>
        /// A gateway's route (forward auth): the key comes in <c>X-Api-Key</c>, where only a tenant's
        /// key is taken, and a request without a known one is 403 <c>invalid_gateway_key</c>.
        /// </summary>
        public bool GatewayKey { get; init; }

        /// <summary>
        /// A route that takes no key at all (discovery): every caller, with any key or none, gets its
        /// success on every tenant that exists and 404 <c>tenant_not_found</c> on one that does not.
        /// What it answers is public, the same for everyone, so it is no read of anyone's scope.
        /// </summary>
        public bool Anonymous { get; init; }

        /// <summary>What a request without a known key gets here.</summary>
        public (HttpStatusCode Status, string Code) Unknown => GatewayKey
            ? (HttpStatusCode.Forbidden, "invalid_gateway_key")
            : (HttpStatusCode.Unauthorized, "unauthorized");
    }

    private static readonly string[] OperatorOnly = ["operator"];
    private static readonly string[] AnyCaller = ["operator", "tenant-admin", "auditor", "scoped-auditor", "microtenant-admin", "service", "scoped-service"];
    private static readonly string[] Readers = ["operator", "tenant-admin", "auditor", "scoped-auditor"];
    private static readonly string[] TenantReaders = ["operator", "tenant-admin", "auditor"];
    private static readonly string[] Admins = ["operator", "tenant-admin"];
    private static readonly string[] Lifecycle = ["operator", "tenant-admin", "service", "scoped-service"];
    private static readonly string[] OAuthClients = ["operator", "service", "scoped-service"];
    private static readonly string[] Gateways = ["service", "scoped-service"];
    private static readonly string[] SessionReaders = ["operator", "tenant-admin", "auditor", "scoped-auditor", "microtenant-admin"];
    private static readonly string[] SessionAdmins = ["operator", "tenant-admin", "microtenant-admin"];

    private const string T = "/api/v1/tenants/{tenantId}";

    private static string P(Scope s) => $"/api/v1/tenants/{s.TenantId}";

    private static Task<Call> Now(HttpMethod method, string path, object? body = null) => Task.FromResult(new Call(method, path, body));

    private static string MicrotenantQuery(Scope s) => s.MicrotenantId is null ? "" : $"?microtenantId={s.MicrotenantId}";

    /// <summary>The matrix's lines, one per route: the contract's "Roles by route", written out.</summary>
    private IEnumerable<Line> Lines()
    {
        var get = HttpMethod.Get;
        var post = HttpMethod.Post;
        var put = HttpMethod.Put;
        var delete = HttpMethod.Delete;
        var ok = HttpStatusCode.OK;
        var success = Outside.Success;
        var forbidden = Outside.Forbidden;
        var notFound = Outside.SessionNotFound;

        yield return new("POST", "/api/v1/tenants", OperatorOnly, HttpStatusCode.Created, false, success, success, false,
            _ => Now(post, "/api/v1/tenants", new { tenantId = TestData.Id("new"), name = "New" }));
        yield return new("GET", "/api/v1/tenants", OperatorOnly, ok, false, success, success, true, _ => Now(get, "/api/v1/tenants"));
        yield return new("GET", "/api/v1/audit", OperatorOnly, ok, false, success, success, true, _ => Now(get, "/api/v1/audit?pageSize=500"));

        yield return new("GET", T, TenantReaders, ok, true, forbidden, forbidden, true, s => Now(get, P(s)));
        yield return new("PUT", $"{T}/policy", Admins, ok, true, forbidden, forbidden, false, s => Now(put, $"{P(s)}/policy", new
        {
            idleTimeoutSeconds = 1800, absoluteLifetimeSeconds = 36000, maxSessionsPerUser = 0, onSessionLimit = "deny", refreshReuseGraceSeconds = 0,
        }));
        yield return new("POST", $"{T}/microtenants", Admins, HttpStatusCode.Created, true, forbidden, forbidden, false,
            s => Now(post, $"{P(s)}/microtenants", new { microtenantId = TestData.Id("m"), name = "M" }));
        yield return new("GET", $"{T}/microtenants", Readers, ok, false, success, success, true, s => Now(get, $"{P(s)}/microtenants?pageSize=500"));
        yield return new("POST", $"{T}/api-keys", Admins, HttpStatusCode.Created, true, forbidden, forbidden, false,
            s => Now(post, $"{P(s)}/api-keys", new { name = Fresh(s), role = "auditor", microtenantId = s.Exists ? s.MicrotenantId : null }));
        yield return new("GET", $"{T}/api-keys", Readers, ok, false, success, success, true, s => Now(get, $"{P(s)}/api-keys?pageSize=500"));
        yield return new("DELETE", $"{T}/api-keys/{{keyId}}", Admins, HttpStatusCode.NoContent, true, forbidden, forbidden, false, async s =>
        {
            var keyId = s.Exists
                ? (await Api.PostAsync($"{P(s)}/api-keys", Api.OperatorKey, new { name = Fresh(s), role = "auditor", microtenantId = s.MicrotenantId }))
                    .Expect(HttpStatusCode.Created).Json.Str("keyId")
                : "no-such-key";
            return new(delete, $"{P(s)}/api-keys/{keyId}", null);
        });

        // The session lifecycle: a scoped service key signs in only into its microtenant (naming
        // another is refused) and sees only its microtenant's sessions: a token of another scope is
        // not active for it, its refresh token unknown, and its logout ends nothing.
        yield return new("POST", $"{T}/sessions", Lifecycle, HttpStatusCode.Created, false, success, forbidden, false,
            s => Now(post, $"{P(s)}/sessions", new { userId = Fresh(s), clientId = "portal", ipAddress = "203.0.113.7", microtenantId = s.MicrotenantId }));
        yield return new("POST", $"{T}/sessions/validate", Lifecycle, ok, false, success, success, true, async s =>
        {
            var session = await SessionAsync(s);
            return new(post, $"{P(s)}/sessions/validate", new { token = session.Token });
        });
        var invalidRefresh = new Outside(HttpStatusCode.Unauthorized, "invalid_refresh_token");
        yield return new("POST", $"{T}/sessions/refresh", Lifecycle, ok, false, invalidRefresh, invalidRefresh, false, async s =>
        {
            var session = await SessionAsync(s);
            return new(post, $"{P(s)}/sessions/refresh", new { refreshToken = session.RefreshToken }, () => ActiveAsync(s, session.Token));
        });
        yield return new("POST", $"{T}/sessions/logout", Lifecycle, HttpStatusCode.NoContent, false, success, success, false, async s =>
        {
            var session = await SessionAsync(s);
            return new(post, $"{P(s)}/sessions/logout", new { token = session.Token }, () => ActiveAsync(s, session.Token));
        });

        // OAuth: service keys as OAuth clients, seeing what validate and logout see: a token of
        // another scope is inactive to a scoped key, and revoking it ends nothing.
        yield return new("POST", $"{T}/oauth/introspect", OAuthClients, ok, false, success, success, true, async s =>
        {
            var session = await SessionAsync(s);
            return new(post, $"{P(s)}/oauth/introspect", null) { Form = new() { ["token"] = session.Token } };
        });
        yield return new("POST", $"{T}/oauth/revoke", OAuthClients, ok, false, success, success, false, async s =>
        {
            var session = await SessionAsync(s);
            return new(post, $"{P(s)}/oauth/revoke", null, () => ActiveAsync(s, session.Token))
            {
                Form = new() { ["token"] = session.RefreshToken },
            };
        });
        // Forward auth: a gateway's service key (the operator's is no gateway's key) sees the
        // sessions validate would show it; a token outside a scoped key's microtenant is a 401.
        var invalidToken = new Outside(HttpStatusCode.Unauthorized, "invalid_token");
        yield return new("GET", $"{T}/forward-auth", Gateways, ok, false, invalidToken, invalidToken, false, async s =>
        {
            var session = await SessionAsync(s);
            return new(get, $"{P(s)}/forward-auth", null) { UserToken = session.Token };
        }) { GatewayKey = true };

        // The session table: lists filtered to a scoped key's microtenant, another microtenant named
        // is refused; a session of another scope is not found to read, refused to end, and counted
        // as forbidden (and left alone) by a bulk terminate.
        yield return new("GET", $"{T}/sessions", SessionReaders, ok, false, success, forbidden, true,
            s => Now(get, $"{P(s)}/sessions{MicrotenantQuery(s)}{(s.MicrotenantId is null ? "?" : "&")}pageSize=500&status=all"));
        yield return new("GET", $"{T}/sessions/stats", SessionReaders, ok, false, success, forbidden, true,
            s => Now(get, $"{P(s)}/sessions/stats{MicrotenantQuery(s)}"));
        yield return new("GET", $"{T}/sessions/{{sessionId}}", SessionReaders, ok, false, notFound, notFound, true, async s =>
        {
            var session = await SessionAsync(s);
            return new(get, $"{P(s)}/sessions/{session.SessionId}", null);
        });
        yield return new("DELETE", $"{T}/sessions/{{sessionId}}", SessionAdmins, HttpStatusCode.NoContent, false, forbidden, forbidden, false, async s =>
        {
            var session = await SessionAsync(s);
            return new(delete, $"{P(s)}/sessions/{session.SessionId}", null, () => ActiveAsync(s, session.Token));
        });
        yield return new("POST", $"{T}/sessions/terminate", SessionAdmins, ok, false, success, success, false, async s =>
        {
            var session = await SessionAsync(s);
            return new(post, $"{P(s)}/sessions/terminate", new { sessionIds = new[] { session.SessionId } }, () => ActiveAsync(s, session.Token));
        });

        // Renew: like ending, a session outside the scoped key's microtenant is refused (one) or
        // reported forbidden (bulk), and left validating as it did.
        yield return new("POST", $"{T}/sessions/{{sessionId}}/renew", SessionAdmins, HttpStatusCode.NoContent, false, forbidden, forbidden, false, async s =>
        {
            var session = await SessionAsync(s);
            return new(post, $"{P(s)}/sessions/{session.SessionId}/renew", new { claims = new { matrix = true } }, () => ActiveAsync(s, session.Token));
        });
        yield return new("POST", $"{T}/sessions/renew", SessionAdmins, ok, false, success, success, false, async s =>
        {
            var session = await SessionAsync(s);
            return new(post, $"{P(s)}/sessions/renew", new { sessionIds = new[] { session.SessionId } }, () => ActiveAsync(s, session.Token));
        });
        yield return new("POST", $"{T}/logout-all", Admins, ok, true, forbidden, forbidden, false,
            s => Now(post, $"{P(s)}/logout-all", new { clientId = "nothing-uses-this" }));

        // Signing keys: the tenant-admin rotates them, tenant-wide. Discovery: no key at all, the
        // same public answer for anyone about any tenant that exists.
        yield return new("POST", $"{T}/signing-keys/rotate", Admins, ok, true, forbidden, forbidden, false,
            s => Now(post, $"{P(s)}/signing-keys/rotate"));
        yield return new("GET", $"{T}/.well-known/jwks.json", AnyCaller, ok, false, success, success, false,
            s => Now(get, $"{P(s)}/.well-known/jwks.json")) { Anonymous = true };
        yield return new("GET", $"{T}/.well-known/openid-configuration", AnyCaller, ok, false, success, success, false,
            s => Now(get, $"{P(s)}/.well-known/openid-configuration")) { Anonymous = true };

        // Users: a user's sessions filtered to the scoped key's microtenant; its logout ends only those.
        yield return new("GET", $"{T}/users/{{userId}}/sessions", SessionReaders, ok, false, success, success, true, async s =>
        {
            var session = await SessionAsync(s);
            return new(get, $"{P(s)}/users/{session.UserId}/sessions?status=all", null);
        });
        yield return new("POST", $"{T}/users/{{userId}}/logout", SessionAdmins, ok, false, success, success, false, async s =>
        {
            var session = await SessionAsync(s);
            return new(post, $"{P(s)}/users/{session.UserId}/logout", null, () => ActiveAsync(s, session.Token));
        });
        yield return new("POST", $"{T}/users/{{userId}}/renew", SessionAdmins, ok, false, success, success, false, async s =>
        {
            var session = await SessionAsync(s);
            return new(post, $"{P(s)}/users/{session.UserId}/renew", null, () => ActiveAsync(s, session.Token));
        });
        yield return new("PUT", $"{T}/users/{{userId}}/denylist", Admins, ok, true, forbidden, forbidden, false,
            s => Now(put, $"{P(s)}/users/{Fresh(s)}/denylist", new { reason = "matrix" }));
        yield return new("DELETE", $"{T}/users/{{userId}}/denylist", Admins, HttpStatusCode.NoContent, true, forbidden, forbidden, false, async s =>
        {
            var userId = Fresh(s);
            if (s.Exists)
            {
                (await Api.PutAsync($"{P(s)}/users/{userId}/denylist", Api.OperatorKey, new { reason = "matrix" })).Expect(HttpStatusCode.OK);
            }

            return new(delete, $"{P(s)}/users/{userId}/denylist", null);
        });
        yield return new("GET", $"{T}/denylist", TenantReaders, ok, true, forbidden, forbidden, true, s => Now(get, $"{P(s)}/denylist?pageSize=500"));

        // Clients: the tenant-admin's, tenant-wide.
        string ClientOf(Scope s) => s.TenantId == _other ? "mk-other-client" : "mk-root-client";
        yield return new("POST", $"{T}/clients", Admins, HttpStatusCode.Created, true, forbidden, forbidden, false,
            s => Now(post, $"{P(s)}/clients", new { clientId = TestData.Id("c"), name = "C" }));
        yield return new("GET", $"{T}/clients", Admins, ok, true, forbidden, forbidden, true, s => Now(get, $"{P(s)}/clients?pageSize=500"));
        yield return new("GET", $"{T}/clients/{{clientId}}", Admins, ok, true, forbidden, forbidden, true, s => Now(get, $"{P(s)}/clients/{ClientOf(s)}"));
        yield return new("GET", $"{T}/clients/{{clientId}}/backchannel-logout", Admins, ok, true, forbidden, forbidden, false,
            s => Now(get, $"{P(s)}/clients/{ClientOf(s)}/backchannel-logout"));
        yield return new("PUT", $"{T}/clients/{{clientId}}", Admins, ok, true, forbidden, forbidden, false,
            s => Now(put, $"{P(s)}/clients/{ClientOf(s)}", new { clientId = ClientOf(s), name = ClientOf(s), backchannelLogoutUri = "https://rp.example/logout" }));
        yield return new("DELETE", $"{T}/clients/{{clientId}}", Admins, HttpStatusCode.NoContent, true, forbidden, forbidden, false, async s =>
        {
            var clientId = TestData.Id("c");
            if (s.Exists)
            {
                (await Api.PostAsync($"{P(s)}/clients", Api.OperatorKey, new { clientId, name = "C" })).Expect(HttpStatusCode.Created);
            }

            return new(delete, $"{P(s)}/clients/{clientId}", null);
        });
        yield return new("GET", $"{T}/users/{{userId}}/denylist", TenantReaders, ok, true, forbidden, forbidden, true,
            s => Now(get, $"{P(s)}/users/{(s.TenantId == _other ? "mk-other" : "mk-root")}-denied/denylist"));

        // The audit log: a scoped auditor reads the records of its microtenant's keys only.
        yield return new("GET", $"{T}/audit", Readers, ok, false, success, success, true, s => Now(get, $"{P(s)}/audit?pageSize=500"));

        // Saved filters: the calling key's own; a scoped key's saved query may not name another microtenant.
        yield return new("GET", "/api/v1/me/filters", SessionReaders, ok, false, success, success, true, _ => Now(get, "/api/v1/me/filters?pageSize=100"));
        yield return new("PUT", "/api/v1/me/filters/{name}", SessionReaders, ok, false, success, forbidden, false,
            s => Now(put, $"/api/v1/me/filters/{Fresh(s)}", new { query = new { status = "active", microtenantId = s.MicrotenantId } })) { NamesMicrotenant = true };
        yield return new("DELETE", "/api/v1/me/filters/{name}", SessionReaders, HttpStatusCode.NoContent, false, success, success, false, async s =>
        {
            var name = Fresh(s);
            if (s.CallerKey is not null)
            {
                // The caller's own filter to delete; a key that may not save one is refused the delete as well.
                await Api.PutAsync($"/api/v1/me/filters/{name}", s.CallerKey, new { query = new { status = "active" } });
            }

            return new(delete, $"/api/v1/me/filters/{name}", null);
        });

        // The console's session: a key signs in (the operator's, of no tenant, and a service key may
        // not); reading or ending "the cookie's session" with a key in Authorization finds none.
        string[] console = ["tenant-admin", "auditor", "scoped-auditor", "microtenant-admin"];
        var noConsoleSession = HttpStatusCode.NotFound;
        yield return new("POST", "/api/v1/console/session", console, ok, false, success, success, false, _ => Now(post, "/api/v1/console/session"));
        yield return new("GET", "/api/v1/console/session", SessionReaders, noConsoleSession, false, success, success, false, _ => Now(get, "/api/v1/console/session"));
        yield return new("DELETE", "/api/v1/console/session", SessionReaders, noConsoleSession, false, success, success, false,
            _ => Now(delete, "/api/v1/console/session"));
    }

    /// <summary>The targets a line is called on.</summary>
    private static IEnumerable<Target> TargetsOf(Line line) =>
        !line.Tenantless ? Enum.GetValues<Target>()
        : line.NamesMicrotenant ? [Target.OwnTenant, Target.OwnMicrotenant, Target.OtherMicrotenant]
        : [Target.OwnTenant];

    /// <summary>The contract's answer for <paramref name="caller"/> calling <paramref name="line"/> on <paramref name="target"/>.</summary>
    private static (HttpStatusCode Status, string? Code) Expected(Line line, string caller, Target target)
    {
        var forbidden = (HttpStatusCode.Forbidden, "forbidden");
        if (line.Anonymous)
        {
            return target == Target.UnknownTenant ? (HttpStatusCode.NotFound, "tenant_not_found") : (line.Success, null);
        }

        if (!line.Allowed.Contains(caller))
        {
            return caller == "operator" && line.GatewayKey ? line.Unknown : forbidden;
        }

        if (caller == "operator")
        {
            return target == Target.UnknownTenant ? (HttpStatusCode.NotFound, "tenant_not_found") : (line.Success, null);
        }

        if (target is Target.OtherTenant or Target.UnknownTenant)
        {
            return forbidden;
        }

        if (Scoped.Contains(caller))
        {
            if (line.TenantWide)
            {
                return forbidden;
            }

            var outside = target switch { Target.OwnTenant => line.Root, Target.OtherMicrotenant => line.Apart, _ => Outside.Success };
            if (outside.Status is { } status)
            {
                return (status, outside.Code);
            }
        }

        return (line.Success, null);
    }

    /// <summary>The markers <paramref name="caller"/> must never read: every scope it cannot see.</summary>
    private static string[] Unseen(string caller) => caller switch
    {
        "operator" => [],
        _ when Scoped.Contains(caller) => ["mk-other", "mk-apac", "mk-root"],
        _ => ["mk-other"],
    };

    [Fact]
    public void Every_route_the_app_serves_has_exactly_one_line_and_every_line_a_route()
    {
        var served = fixture.Silo.Services.GetRequiredService<EndpointDataSource>().Endpoints
            .OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/api/v1", StringComparison.Ordinal) == true)
            .SelectMany(e => (e.Metadata.GetMetadata<Microsoft.AspNetCore.Routing.HttpMethodMetadata>()?.HttpMethods ?? ["*"])
                .Select(m => $"{m} {e.RoutePattern.RawText!.TrimEnd('/')}"))
            .Order(StringComparer.Ordinal)
            .ToList();
        var lines = Lines().Select(l => $"{l.Method} {l.Pattern}").Order(StringComparer.Ordinal).ToList();

        Assert.Equal(lines.Count, lines.Distinct(StringComparer.Ordinal).Count());
        Assert.True(served.SequenceEqual(lines), $"served without a line:\n  {string.Join("\n  ", served.Except(lines))}\nlines without a route:\n  {string.Join("\n  ", lines.Except(served))}");
    }

    [Theory]
    [MemberData(nameof(Callers))]
    public async Task Each_key_gets_what_the_contract_gives_its_role_and_scope_on_every_route_and_target_and_reads_nothing_of_another_scope(string caller)
    {
        var failures = new List<string>();
        var calls = 0;

        // The audit log first, then the other reads, then the writes: a refusal is recorded with the
        // path the caller asked for, which carries the markers of the scope it aimed at; the log may
        // show a key its own attempts, and the check is on what others did.
        foreach (var line in Lines().OrderBy(l => l.Pattern.EndsWith("/audit", StringComparison.Ordinal) ? 0 : l.Read ? 1 : 2))
        {
            foreach (var target in TargetsOf(line))
            {
                var scope = ScopeOf(target) with { CallerKey = _keys[caller] };
                var call = await line.Build(scope);
                var response = await SendAsync(call, _keys[caller]);
                calls++;
                var (status, code) = Expected(line, caller, target);
                var where = $"{line.Method} {line.Pattern} on {target} ({call.Path}) as {caller}";
                if (response.Status != status || (code is not null && !response.Body.Contains($"\"code\":\"{code}\"", StringComparison.Ordinal)))
                {
                    failures.Add($"{where}: expected {(int)status} {code}, got {(int)response.Status} {Trim(response.Body)}");
                    continue;
                }

                if (line.Read && (int)status is >= 200 and < 300)
                {
                    failures.AddRange(Unseen(caller).Where(m => response.Body.Contains(m, StringComparison.Ordinal))
                        .Select(m => $"{where}: the answer holds '{m}': {Trim(response.Body)}"));
                }

                var outsideScope = Scoped.Contains(caller) && target is Target.OwnTenant or Target.OtherMicrotenant;
                if (call.Untouched is { } untouched && outsideScope && !await untouched())
                {
                    failures.Add($"{where}: answered {(int)response.Status} but changed what is outside its scope");
                }
            }
        }

        Assert.True(calls > 100, $"only {calls} calls");
        Assert.True(failures.Count == 0, $"{failures.Count} of {calls} calls:\n{string.Join("\n", failures)}");
    }

    [Fact]
    public async Task The_markers_are_there_to_be_found_the_operator_reads_each_targets_marker()
    {
        var failures = new List<string>();
        foreach (var line in Lines().Where(l => l.Read && !l.Tenantless && !l.Pattern.EndsWith("/stats", StringComparison.Ordinal)))
        {
            foreach (var target in new[] { Target.OwnTenant, Target.OwnMicrotenant, Target.OtherMicrotenant, Target.OtherTenant })
            {
                if (ControlMark(line, target) is not { } mark)
                {
                    continue;
                }

                var call = await line.Build(ScopeOf(target));
                var response = await SendAsync(call, Api.OperatorKey);
                if (!response.Body.Contains(mark, StringComparison.Ordinal))
                {
                    failures.Add($"{line.Method} {call.Path}: {(int)response.Status}, no '{mark}': {Trim(response.Body)}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Theory]
    [InlineData("none")]
    [InlineData("malformed")]
    [InlineData("unknown")]
    [InlineData("deleted")]
    [InlineData("wrong-operator")]
    public async Task Callers_without_a_known_key_get_401_everywhere_but_403_on_the_gateways_route(string caller)
    {
        var failures = new List<string>();
        foreach (var line in Lines())
        {
            var call = await line.Build(ScopeOf(Target.OwnTenant) with { CallerKey = _keys[caller] });
            var (status, code) = line.Anonymous ? (line.Success, null)
                : call.Form is not null ? (HttpStatusCode.Unauthorized, "invalid_client")
                : line.Unknown;
            var response = await SendAsync(call, _keys[caller]);
            if (response.Status != status || (code is not null && !response.Body.Contains($"\"code\":\"{code}\"", StringComparison.Ordinal)))
            {
                failures.Add($"{line.Method} {call.Path} as {caller}: expected {(int)status} {code}, got {(int)response.Status} {Trim(response.Body)}");
            }
        }

        Assert.True(failures.Count == 0, string.Join("\n", failures));
    }

    [Fact]
    public async Task The_operator_on_an_unknown_tenant_creates_nothing_and_leaves_nothing_running()
    {
        foreach (var line in Lines().Where(l => !l.Tenantless))
        {
            var call = await line.Build(ScopeOf(Target.UnknownTenant));
            var (status, code) = line.GatewayKey ? line.Unknown : (HttpStatusCode.NotFound, "tenant_not_found");
            (await SendAsync(call, Api.OperatorKey)).ExpectProblem(status, code);
        }

        (await Api.GetAsync($"/api/v1/tenants/{_ghost}", Api.OperatorKey)).ExpectProblem(HttpStatusCode.NotFound, "tenant_not_found");
        await fixture.Silo.Services.GetRequiredService<IGrainFactory>().NoneRemainAsync([_ghost]);
    }

    [Fact]
    public async Task A_forbidden_answer_does_not_say_whether_the_other_tenants_object_exists()
    {
        var existing = await Api.GetAsync($"/api/v1/tenants/{_other}", _keys["tenant-admin"]);
        var missing = await Api.GetAsync($"/api/v1/tenants/{_ghost}", _keys["tenant-admin"]);

        existing.ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        missing.ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        Assert.Equal(existing.Json.ToJsonString(), missing.Json.ToJsonString());
    }

    /// <summary>
    /// What the operator's answer to <paramref name="line"/> on <paramref name="target"/> must hold:
    /// the target's marker, or where the answer is about the tenant rather than one scope (the
    /// tenant, its denylist, its microtenants), what that tenant has. Null: nothing to look for.
    /// </summary>
    private string? ControlMark(Line line, Target target) => line.Pattern switch
    {
        T => target is Target.OtherTenant ? "mk-other-tenant" : "mk-root-tenant",
        $"{T}/denylist" or $"{T}/users/{{userId}}/denylist" => target is Target.OtherTenant ? "mk-other-denied" : "mk-root-denied",
        $"{T}/clients" or $"{T}/clients/{{clientId}}" => target is Target.OtherTenant ? "mk-other-client" : "mk-root-client",
        $"{T}/microtenants" => target is Target.OtherTenant ? null : "mk-apac-name",
        _ => ScopeOf(target).Mark,
    };

    private static string Trim(string body) => body.Length > 300 ? body[..300] + "…" : body;
}
