using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;

namespace SessionGrains.Tests.Infrastructure.Browser;

/// <summary>
/// One real host on a SQLite file of its own, serving the console and the API. The shared
/// <see cref="BrowserFixture"/> holds one on the real clock; a test that must move time (idle
/// timeouts) starts its own with a <see cref="FakeTimeProvider"/>, since moving the shared silo's
/// clock would put every later test's sessions out of step with the browser's clock, which the
/// console's relative times are computed from.
/// </summary>
public sealed class ConsoleSilo : IAsyncDisposable
{
    private readonly SqliteDatabases _databases;

    private ConsoleSilo(SqliteDatabases databases, TestSilo silo)
    {
        _databases = databases;
        Silo = silo;
    }

    /// <summary>The host.</summary>
    public TestSilo Silo { get; }

    /// <summary>The API with the operator key.</summary>
    public ApiClient Api => Silo.Api;

    /// <summary>Where the console and the API are served, e.g. <c>http://127.0.0.1:5123</c>.</summary>
    public Uri BaseAddress => Silo.Settings.BaseAddress;

    /// <summary>
    /// Starts a host. <paramref name="time"/>, when given, is its session clock; start it at the real
    /// now (<see cref="RealNow"/>) so the browser's relative times read right until it is moved.
    /// </summary>
    public static async Task<ConsoleSilo> StartAsync(FakeTimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        var databases = new SqliteDatabases();
        try
        {
            var database = await databases.CreateAsync(cancellationToken);
            var silo = await TestSilo.StartAsync(SiloSettings.Fresh(database) with { Time = time }, cancellationToken);
            return new ConsoleSilo(databases, silo);
        }
        catch
        {
            await databases.DisposeAsync();
            throw;
        }
    }

    /// <summary>A fake clock's start: now, on a whole second (times the API reports are then exact).</summary>
    public static DateTimeOffset RealNow() => DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());

    /// <summary>Creates a tenant (id <c>prefix-…</c>, unique) and returns its id.</summary>
    public async Task<string> CreateTenantAsync(string prefix = "con", CancellationToken cancellationToken = default)
    {
        var tenantId = TestData.Id(prefix);
        await Api.CreateTenantAsync(tenantId, cancellationToken);
        return tenantId;
    }

    /// <summary>Creates a microtenant of <paramref name="tenantId"/>.</summary>
    public async Task CreateMicrotenantAsync(string tenantId, string microtenantId, CancellationToken cancellationToken = default) =>
        (await Api.PostAsync(
            $"/api/v1/tenants/{tenantId}/microtenants", Api.OperatorKey, new { microtenantId, name = microtenantId.ToUpperInvariant() }, cancellationToken))
            .Expect(HttpStatusCode.Created);

    /// <summary>
    /// Creates a key of <paramref name="role"/> in <paramref name="tenantId"/> (scoped to
    /// <paramref name="microtenantId"/> when given), named <paramref name="name"/> or, by default,
    /// after its role and a unique suffix (the console shows the name).
    /// </summary>
    public async Task<ConsoleApiKey> CreateKeyAsync(
        string tenantId, string role, string? microtenantId = null, string? name = null, CancellationToken cancellationToken = default)
    {
        name ??= TestData.Id(role);
        var json = (await Api.PostAsync(
                $"/api/v1/tenants/{tenantId}/api-keys", Api.OperatorKey, new { name, role, microtenantId }, cancellationToken))
            .Expect(HttpStatusCode.Created).Json;
        return new ConsoleApiKey(BaseAddress, tenantId, json.Str("keyId"), json.Str("key"), name, role, microtenantId);
    }

    /// <summary>
    /// Signs <paramref name="userId"/> in through the lifecycle API with <paramref name="serviceKey"/>
    /// (a <c>service</c> key of the tenant; see <see cref="CreateKeyAsync"/>) and returns the new
    /// session's id.
    /// </summary>
    public async Task<string> SignInUserAsync(
        string tenantId, string serviceKey, string userId, string? microtenantId = null, string clientId = "portal",
        CancellationToken cancellationToken = default)
    {
        var json = (await Api.PostAsync($"/api/v1/tenants/{tenantId}/sessions", serviceKey, new
        {
            userId,
            userEmail = $"{userId}@acme.test",
            clientId,
            ipAddress = "203.0.113.7",
            userAgent = "Mozilla/5.0 (X11; Linux x86_64) Chrome/140.0",
            microtenantId,
        }, cancellationToken)).Expect(HttpStatusCode.Created).Json;
        return json.Str("sessionId");
    }

    /// <summary>A session's details, read with the operator key.</summary>
    public async Task<JsonObject> SessionAsync(string tenantId, string sessionId, CancellationToken cancellationToken = default) =>
        (await Api.GetAsync($"/api/v1/tenants/{tenantId}/sessions/{sessionId}", Api.OperatorKey, cancellationToken))
            .Expect(HttpStatusCode.OK).Json;

    /// <summary>
    /// A request authenticated by a console cookie only, as a browser would send it (no
    /// Authorization header), with <c>X-CSRF-Token</c> when <paramref name="csrfToken"/> is given.
    /// </summary>
    public Task<Response> SendWithCookieAsync(
        HttpMethod method, string path, string cookie, string? csrfToken = null, object? body = null, CancellationToken cancellationToken = default)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Add("Cookie", $"{ConsolePage.CookieName}={cookie}");
        if (csrfToken is not null)
        {
            request.Headers.Add("X-CSRF-Token", csrfToken);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return SendAndDisposeAsync(request, cancellationToken);
    }

    private async Task<Response> SendAndDisposeAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        using (request)
        {
            return await Api.SendAsync(request, cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await Silo.DisposeAsync();
        }
        finally
        {
            await _databases.DisposeAsync();
        }
    }
}
