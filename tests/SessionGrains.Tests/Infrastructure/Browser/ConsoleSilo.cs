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
            .Expect(System.Net.HttpStatusCode.Created);

    /// <summary>
    /// Creates a key of <paramref name="role"/> in <paramref name="tenantId"/> (scoped to
    /// <paramref name="microtenantId"/> when given), named <paramref name="name"/> or, by default,
    /// after its role and a unique suffix (the console shows the name).
    /// </summary>
    public async Task<ConsoleKey> CreateKeyAsync(
        string tenantId, string role, string? microtenantId = null, string? name = null, CancellationToken cancellationToken = default)
    {
        name ??= TestData.Id(role);
        var json = (await Api.PostAsync(
                $"/api/v1/tenants/{tenantId}/api-keys", Api.OperatorKey, new { name, role, microtenantId }, cancellationToken))
            .Expect(System.Net.HttpStatusCode.Created).Json;
        return new ConsoleKey(BaseAddress, tenantId, json.Str("keyId"), json.Str("key"), name, role, microtenantId);
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
