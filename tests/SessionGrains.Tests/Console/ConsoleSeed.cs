using System.Net;
using SessionGrains.Tests.Infrastructure;
using SessionGrains.Tests.Infrastructure.Browser;

namespace SessionGrains.Tests.Console;

/// <summary>One seeded user session: who, from where, and the id the silo gave it.</summary>
public sealed record SeededSession(string SessionId, string UserId, string Email, string ClientId, string IpAddress, string Kind, string RefreshToken);

/// <summary>
/// A tenant on the browser fixture's silo with a service key for seeding and a console key, plus
/// helpers that sign users in with varied fields (clients, kinds, addresses, user agents), so
/// search, filters and sorts have something to tell apart.
/// </summary>
public sealed class ConsoleSeed(BrowserFixture fixture, string tenantId, string serviceKey, ConsoleApiKey consoleKey)
{
    /// <summary>Real browsers' user agents, shortened by the console (the full text in the title).</summary>
    public static readonly string[] UserAgents =
    [
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/140.0.0.0 Safari/537.36",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:131.0) Gecko/20100101 Firefox/131.0",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/139.0.0.0 Safari/537.36 Edg/139.0.0.0",
        "curl/8.5.0",
    ];

    /// <summary>The tenant.</summary>
    public string TenantId { get; } = tenantId;

    /// <summary>The key the console signs in with.</summary>
    public ConsoleApiKey ConsoleKey { get; } = consoleKey;

    /// <summary>A fresh tenant with a service key and a console key of <paramref name="role"/>.</summary>
    public static async Task<ConsoleSeed> CreateAsync(BrowserFixture fixture, string role = "tenant-admin", string? keyName = null)
    {
        var tenantId = await fixture.CreateTenantAsync();
        var service = await fixture.CreateKeyAsync(tenantId, "service");
        var console = await fixture.CreateKeyAsync(tenantId, role, name: keyName);
        return new ConsoleSeed(fixture, tenantId, service.Key, console);
    }

    /// <summary>Signs one user in; the fields not given are varied by <paramref name="n"/>.</summary>
    public async Task<SeededSession> SignInAsync(
        string userId, int n = 0, string? clientId = null, string kind = "user", string? ipAddress = null, string? email = null,
        string? sessionName = null, string? microtenantId = null)
    {
        clientId ??= (n % 3) switch { 0 => "portal", 1 => "mobile", _ => "admin-app" };
        ipAddress ??= $"198.51.100.{10 + (n % 200)}";
        email ??= $"{userId}@acme.test";
        var json = (await fixture.Api.PostAsync($"/api/v1/tenants/{TenantId}/sessions", serviceKey, new
        {
            userId,
            userEmail = email,
            sessionName = sessionName ?? (n % 2 == 0 ? "Chrome on Mac" : "Firefox on Windows"),
            kind,
            apiKeyName = kind == "api-key" ? $"ci-{n}" : null,
            clientId,
            clientType = clientId == "mobile" ? "native" : "browser",
            identityProvider = "okta",
            ipAddress,
            userAgent = UserAgents[n % UserAgents.Length],
            microtenantId,
            device = new { deviceId = $"d-{n}", hostname = $"{userId}-laptop", os = n % 2 == 0 ? "macOS 15.1" : "Windows 11" },
            claims = new { groups = new[] { "eng", "staff" }, level = n },
        })).Expect(HttpStatusCode.Created).Json;
        return new SeededSession(json.Str("sessionId"), userId, email, clientId, ipAddress, kind, json.Str("refreshToken"));
    }

    /// <summary>Signs in <paramref name="count"/> users <c>prefix-00</c>, <c>prefix-01</c>, … concurrently (a few at a time).</summary>
    public async Task<IReadOnlyList<SeededSession>> SignInManyAsync(int count, string prefix = "user", string? clientId = null)
    {
        var sessions = new SeededSession[count];
        using var gate = new SemaphoreSlim(8);
        await Task.WhenAll(Enumerable.Range(0, count).Select(async i =>
        {
            await gate.WaitAsync();
            try
            {
                sessions[i] = await SignInAsync($"{prefix}-{i:D2}", i, clientId);
            }
            finally
            {
                gate.Release();
            }
        }));
        return sessions;
    }

    /// <summary>Ends a session with the operator key (as another admin would).</summary>
    public async Task TerminateAsync(string sessionId) =>
        (await fixture.Api.DeleteAsync($"/api/v1/tenants/{TenantId}/sessions/{sessionId}", fixture.Api.OperatorKey)).Expect(HttpStatusCode.NoContent);

    /// <summary>Rotates a session's tokens once (its refresh count goes up).</summary>
    public async Task RefreshAsync(SeededSession session) =>
        (await fixture.Api.PostAsync($"/api/v1/tenants/{TenantId}/sessions/refresh", serviceKey, new { refreshToken = session.RefreshToken }))
            .Expect(HttpStatusCode.OK);

    /// <summary>A session's details, read with the operator key.</summary>
    public Task<System.Text.Json.Nodes.JsonObject> SessionAsync(string sessionId) => fixture.Site.SessionAsync(TenantId, sessionId);
}
