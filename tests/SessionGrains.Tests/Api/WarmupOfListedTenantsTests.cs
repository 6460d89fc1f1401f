using System.Net;
using Microsoft.Extensions.DependencyInjection;
using SessionGrains.Silo.SessionTable;
using SessionGrains.Tenants;
using SessionGrains.Tests.Infrastructure;

namespace SessionGrains.Tests.Api;

/// <summary>
/// The session table warm-up at start loads the shards of tenants that exist only. A tenant id can
/// be listed without existing: the directory is written first at creation, so a crash between the
/// two leaves one behind; its shards (kept alive once loaded) must not be.
/// </summary>
[Trait("Category", "Cluster")]
public sealed class WarmupOfListedTenantsTests(SqliteDatabases databases) : IClassFixture<SqliteDatabases>
{
    [Fact]
    public async Task A_listed_tenant_that_does_not_exist_gets_no_shard_at_start()
    {
        var settings = SiloSettings.Fresh(await databases.CreateAsync(CancellationToken.None));
        var listedOnly = TestData.Id("lo");
        await using (var first = await TestSilo.StartAsync(settings))
        {
            await first.Api.CreateTenantAsync("real");
            await first.Services.GetRequiredService<IGrainFactory>().GetGrain<ITenantDirectoryGrain>(ITenantDirectoryGrain.Key).Add(listedOnly);
        }

        await using var second = await TestSilo.StartAsync(settings);
        await second.Services.GetRequiredService<SessionTableWarmup>().Completed.WaitAsync(TimeSpan.FromSeconds(60));

        (await second.Api.GetAsync($"/api/v1/tenants/{listedOnly}", second.Api.OperatorKey)).ExpectProblem(HttpStatusCode.NotFound, "tenant_not_found");
        await second.Services.GetRequiredService<IGrainFactory>().NoneRemainAsync([listedOnly]);
    }
}
