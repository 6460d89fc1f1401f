using System.Net;
using Microsoft.Extensions.DependencyInjection;
using SessionGrains.Grains.Caching;
using SessionGrains.Grains.Security;
using SessionGrains.Tests.Infrastructure;

namespace SessionGrains.Tests.Api;

/// <summary>
/// A key that names a tenant that does not exist, or a key id its tenant never issued, is a 401
/// that leaves nothing behind: no activation kept, and at most a bounded negative cache entry.
/// </summary>
[Trait("Category", "Cluster")]
[Collection(SiloCollection.Name)]
public sealed class UnknownCallerTests(SiloFixture fixture)
{
    private const int Requests = 2_000;
    private const int Concurrency = 8;

    private ApiClient Api => fixture.Api;

    private TenantCache Cache => fixture.Silo.Services.GetRequiredService<TenantCache>();

    private IGrainFactory Grains => fixture.Silo.Services.GetRequiredService<IGrainFactory>();

    /// <summary>Well-formed, so it gets as far as the tenant lookup: only the tenant is made up.</summary>
    private static string KeyOf(string tenantId, string keyId = "k-1") => BearerSecret.New(SecretKind.ApiKey, tenantId, keyId).Encode();

    private Task<Response> ValidateAsync(string tenantId, string key, CancellationToken cancellationToken) =>
        Api.PostAsync($"/api/v1/tenants/{tenantId}/sessions/validate", key, new { token = "sga.x.y.z" }, cancellationToken);

    [Fact]
    public async Task Keys_of_made_up_tenants_are_401_and_keep_no_activation_and_a_bounded_cache()
    {
        var before = Cache.Count;
        var ghosts = Enumerable.Range(0, Requests).Select(_ => TestData.Id("nt")).ToArray();

        await Parallel.ForEachAsync(ghosts, new ParallelOptions { MaxDegreeOfParallelism = Concurrency }, async (ghost, ct) =>
            (await ValidateAsync(ghost, KeyOf(ghost), ct)).ExpectProblem(HttpStatusCode.Unauthorized, "unauthorized"));

        var cacheGrowth = Cache.Count - before;
        var lingering = await Record.ExceptionAsync(() => Grains.NoneRemainAsync(ghosts));
        Assert.Multiple(
            () => Assert.InRange(cacheGrowth, 0, TenantCache.MissingCapacity),
            () => Assert.Null(lingering?.Message));
    }

    [Fact]
    public async Task Unknown_key_ids_of_an_existing_tenant_are_401_and_add_nothing()
    {
        var tenant = TestData.Id("uk");
        await Api.CreateTenantAsync(tenant);
        (await ValidateAsync(tenant, KeyOf(tenant), CancellationToken.None)).ExpectProblem(HttpStatusCode.Unauthorized, "unauthorized");
        var before = Cache.Count;

        await Parallel.ForEachAsync(Enumerable.Range(0, Requests / 4), new ParallelOptions { MaxDegreeOfParallelism = Concurrency }, async (n, ct) =>
            (await ValidateAsync(tenant, KeyOf(tenant, $"k-{n}"), ct)).ExpectProblem(HttpStatusCode.Unauthorized, "unauthorized"));

        Assert.Equal(before, Cache.Count);
        var activations = await Grains.OfTenantsAsync(new HashSet<string> { tenant });
        Assert.All(activations, id => Assert.Equal(tenant, id.Key.ToString()));
    }
}
