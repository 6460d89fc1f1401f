using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using SessionGrains.Tenants;
using SessionGrains.Tests.Infrastructure;

namespace SessionGrains.Tests.Api;

/// <summary>
/// What a key scoped to a microtenant sees, and which keys can be made: a scoped key reads only
/// its own microtenant's entries of the lists it may read, and no key can be made that reaches
/// further than the contract's role and scope rules allow.
/// </summary>
[Trait("Category", "Cluster")]
[Collection(SiloCollection.Name)]
public sealed class MicrotenantScopeApiTests(SiloFixture fixture) : IAsyncLifetime
{
    private readonly string _tenant = TestData.Id("mts");
    private string _service = "";

    private ApiClient Api => fixture.Api;

    private string T => $"/api/v1/tenants/{_tenant}";

    public async Task InitializeAsync()
    {
        await Api.CreateTenantAsync(_tenant);
        foreach (var microtenantId in new[] { "emea", "apac" })
        {
            (await Api.PostAsync($"{T}/microtenants", Api.OperatorKey, new { microtenantId, name = microtenantId.ToUpperInvariant() }))
                .Expect(HttpStatusCode.Created);
        }

        _service = (await Api.CreateKeyAsync(_tenant, "service")).Key;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private static IEnumerable<JsonObject> Items(JsonObject page) => page["items"]!.AsArray().Select(i => i!.AsObject());

    private async Task<JsonObject> SignInAsync(string userId, string? microtenantId)
    {
        fixture.Time.Advance(TimeSpan.FromSeconds(1));
        return (await Api.PostAsync($"{T}/sessions", _service, new { userId, clientId = "portal", ipAddress = "203.0.113.7", microtenantId }))
            .Expect(HttpStatusCode.Created).Json;
    }

    [Fact]
    public async Task A_scoped_auditor_lists_only_its_microtenants_keys_and_its_own_microtenant()
    {
        var emeaKeys = new List<string>();
        foreach (var (role, microtenantId) in new[]
        {
            ("tenant-admin", (string?)null), ("auditor", null), ("service", "emea"), ("service", "apac"),
            ("microtenant-admin", "emea"), ("microtenant-admin", "apac"), ("auditor", "apac"),
        })
        {
            var (keyId, _) = await Api.CreateKeyAsync(_tenant, role, microtenantId);
            if (microtenantId == "emea")
            {
                emeaKeys.Add(keyId);
            }
        }

        var (scopedId, scoped) = await Api.CreateKeyAsync(_tenant, "auditor", "emea");
        emeaKeys.Add(scopedId);

        var keys = (await Api.GetAsync($"{T}/api-keys?pageSize=100", scoped)).Expect(HttpStatusCode.OK).Json;
        Assert.Equal(emeaKeys.Order(StringComparer.Ordinal), Items(keys).Select(k => k.Str("keyId")).Order(StringComparer.Ordinal));
        Assert.Equal(emeaKeys.Count, keys["total"]!.GetValue<long>());

        var microtenants = (await Api.GetAsync($"{T}/microtenants", scoped)).Expect(HttpStatusCode.OK).Json;
        Assert.Equal(["emea"], Items(microtenants).Select(m => m.Str("microtenantId")));
        Assert.Equal(1, microtenants["total"]!.GetValue<long>());

        // An unscoped auditor still sees the whole tenant: the filter is the key's scope, not its role.
        var auditor = (await Api.CreateKeyAsync(_tenant, "auditor")).Key;
        Assert.Equal(10, (await Api.GetAsync($"{T}/api-keys", auditor)).Expect(HttpStatusCode.OK).Json["total"]!.GetValue<long>());
        Assert.Equal(2, (await Api.GetAsync($"{T}/microtenants", auditor)).Expect(HttpStatusCode.OK).Json["total"]!.GetValue<long>());
    }

    [Fact]
    public async Task A_scoped_auditor_is_refused_the_tenant_wide_reads()
    {
        var scoped = (await Api.CreateKeyAsync(_tenant, "auditor", "emea")).Key;

        (await Api.GetAsync(T, scoped)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        (await Api.GetAsync($"{T}/denylist", scoped)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");

        // Refused before its input is looked at, like every other 403 of the role check.
        (await Api.GetAsync($"{T}/denylist?page=0", scoped)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task A_scoped_auditor_reads_only_its_microtenants_sessions_and_stats()
    {
        var inside = await SignInAsync("ada", "emea");
        var outside = await SignInAsync("ada", "apac");
        await SignInAsync("grace", null);
        await SignInAsync("linus", "emea");
        var scoped = (await Api.CreateKeyAsync(_tenant, "auditor", "emea")).Key;

        var list = (await Api.GetAsync($"{T}/sessions", scoped)).Expect(HttpStatusCode.OK).Json;
        Assert.Equal(2, list["total"]!.GetValue<long>());
        Assert.All(Items(list), s => Assert.Equal("emea", s.Str("microtenantId")));

        var ada = (await Api.GetAsync($"{T}/users/ada/sessions", scoped)).Expect(HttpStatusCode.OK).Json;
        Assert.Equal([inside.Str("sessionId")], Items(ada).Select(s => s.Str("sessionId")));

        var stats = (await Api.GetAsync($"{T}/sessions/stats", scoped)).Expect(HttpStatusCode.OK).Json;
        var emea = (await Api.GetAsync($"{T}/sessions/stats?microtenantId=emea", Api.OperatorKey)).Expect(HttpStatusCode.OK).Json;
        Assert.Equal(emea.ToJsonString(), stats.ToJsonString());
        Assert.Equal(2, stats["total"]!.GetValue<long>());

        (await Api.GetAsync($"{T}/sessions/stats?microtenantId=apac", scoped)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        (await Api.GetAsync($"{T}/sessions?microtenantId=apac", scoped)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        (await Api.GetAsync($"{T}/sessions/{outside.Str("sessionId")}", scoped)).ExpectProblem(HttpStatusCode.NotFound, "session_not_found");
        (await Api.GetAsync($"{T}/sessions/{inside.Str("sessionId")}", scoped)).Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task A_tenant_admin_key_cannot_name_a_microtenant()
    {
        var response = await Api.PostAsync($"{T}/api-keys", Api.OperatorKey, new { name = "k", role = "tenant-admin", microtenantId = "emea" });

        Assert.NotNull(response.ExpectProblem(HttpStatusCode.BadRequest, "validation_failed")["errors"]?["microtenantId"]);
        var keys = (await Api.GetAsync($"{T}/api-keys?pageSize=100", Api.OperatorKey)).Expect(HttpStatusCode.OK).Json;
        Assert.DoesNotContain(Items(keys), k => k.Str("role") == "tenant-admin");
    }

    [Fact]
    public async Task A_tenant_admin_key_asked_for_a_microtenant_does_not_get_one_so_it_cannot_create_an_unscoped_admin()
    {
        // The escalation of issue 7: a tenant-admin key scoped to a microtenant made an unscoped one.
        var admin = (await Api.CreateKeyAsync(_tenant, "tenant-admin")).Key;
        (await Api.PostAsync($"{T}/api-keys", admin, new { name = "scoped", role = "tenant-admin", microtenantId = "emea" }))
            .ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");

        // Nor can the grain be made to store one, whoever calls it.
        var tenant = fixture.Silo.Services.GetRequiredService<IGrainFactory>().GetGrain<ITenantGrain>(_tenant);
        await Assert.ThrowsAsync<ArgumentException>(() => tenant.CreateApiKey("scoped", ApiKeyRole.TenantAdmin, "emea"));
        await Assert.ThrowsAsync<ArgumentException>(() => tenant.CreateApiKey("nowhere", ApiKeyRole.Auditor, "nowhere"));
        await Assert.ThrowsAsync<ArgumentException>(() => tenant.CreateApiKey("unscoped", ApiKeyRole.MicrotenantAdmin, null));
        Assert.DoesNotContain(await tenant.ListApiKeys(), k => k.Name is "scoped" or "nowhere" or "unscoped");
    }

    [Theory]
    [InlineData("microtenant-admin")]
    [InlineData("auditor")]
    [InlineData("service")]
    public async Task A_scoped_key_must_name_an_existing_microtenant_of_the_tenant(string role)
    {
        var response = await Api.PostAsync($"{T}/api-keys", Api.OperatorKey, new { name = "k", role, microtenantId = "nowhere" });

        Assert.NotNull(response.ExpectProblem(HttpStatusCode.BadRequest, "validation_failed")["errors"]?["microtenantId"]);
    }

    [Theory]
    [InlineData("auditor", null)]
    [InlineData("auditor", "emea")]
    [InlineData("service", null)]
    [InlineData("service", "apac")]
    [InlineData("microtenant-admin", "emea")]
    [InlineData("tenant-admin", null)]
    public async Task Keys_the_contract_allows_are_created_with_their_scope(string role, string? microtenantId)
    {
        var created = (await Api.PostAsync($"{T}/api-keys", Api.OperatorKey, new { name = "k", role, microtenantId }))
            .Expect(HttpStatusCode.Created).Json;

        Assert.Equal(role, created.Str("role"));
        Assert.Equal(microtenantId, created["microtenantId"]?.GetValue<string>());
    }

    [Theory]
    [InlineData("microtenant-admin")]
    [InlineData("auditor")]
    [InlineData("service")]
    public async Task No_scoped_key_creates_or_deletes_keys_or_microtenants(string role)
    {
        var (keyId, _) = await Api.CreateKeyAsync(_tenant, "service");
        var scoped = (await Api.CreateKeyAsync(_tenant, role, "emea")).Key;

        (await Api.PostAsync($"{T}/api-keys", scoped, new { name = "up", role = "tenant-admin" })).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        (await Api.DeleteAsync($"{T}/api-keys/{keyId}", scoped)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        (await Api.PostAsync($"{T}/microtenants", scoped, new { microtenantId = "amer", name = "AMER" })).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
    }
}
