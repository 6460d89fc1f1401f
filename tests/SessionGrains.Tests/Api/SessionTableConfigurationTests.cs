using System.Net;
using SessionGrains.Tests.Infrastructure;

namespace SessionGrains.Tests.Api;

/// <summary>
/// The session table's configuration section is <c>SessionGrains:SessionTable</c>; its earlier
/// name <c>SessionGrains:Index</c> still works, and the new name wins where both are set. Seen
/// through the API: a new tenant's shard count.
/// </summary>
[Trait("Category", "Cluster")]
public sealed class SessionTableConfigurationTests(SqliteDatabases databases) : IClassFixture<SqliteDatabases>
{
    [Theory]
    [InlineData(8)]
    [InlineData(3, "SessionGrains:SessionTable:ShardsPerTenant=3")]
    [InlineData(5, "SessionGrains:Index:ShardsPerTenant=5")]
    [InlineData(3, "SessionGrains:Index:ShardsPerTenant=5", "SessionGrains:SessionTable:ShardsPerTenant=3")]
    public async Task A_new_tenant_gets_the_configured_shard_count(int expected, params string[] configuration)
    {
        var database = await databases.CreateAsync(CancellationToken.None);
        await using var silo = await TestSilo.StartAsync(SiloSettings.Fresh(database) with { Configuration = configuration });

        var tenant = (await silo.Api.PostAsync("/api/v1/tenants", silo.Api.OperatorKey, new { tenantId = "acme", name = "Acme" }))
            .Expect(HttpStatusCode.Created).Json;

        Assert.Equal(expected, tenant["indexShards"]!.GetValue<int>());
    }
}
