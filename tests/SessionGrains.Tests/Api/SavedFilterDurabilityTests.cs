using System.Net;
using SessionGrains.Tests.Infrastructure;

namespace SessionGrains.Tests.Api;

/// <summary>A 200 to a save means stored: the filter, its times and a deletion survive a restart of the silo.</summary>
[Trait("Category", "Cluster")]
public sealed class SavedFilterDurabilityTests(SqliteDatabases databases) : IClassFixture<SqliteDatabases>
{
    [Fact]
    public async Task Saved_filters_and_deletions_survive_a_restart()
    {
        var settings = SiloSettings.Fresh(await databases.CreateAsync(CancellationToken.None));
        string key;
        string kept;
        await using (var first = await TestSilo.StartAsync(settings))
        {
            await first.Api.CreateTenantAsync("durable");
            key = (await first.Api.CreateKeyAsync("durable", "auditor")).Key;
            kept = (await first.Api.PutAsync("/api/v1/me/filters/kept", key, new { query = new { status = "active", createdBefore = "2026-11-25" } }))
                .Expect(HttpStatusCode.OK).Body;
            (await first.Api.PutAsync("/api/v1/me/filters/gone", key, new { query = new { status = "inactive" } })).Expect(HttpStatusCode.OK);
            (await first.Api.DeleteAsync("/api/v1/me/filters/gone", key)).Expect(HttpStatusCode.NoContent);
            await first.StopAsync();
        }

        await using var second = await TestSilo.StartAsync(settings);
        var items = (await second.Api.GetAsync("/api/v1/me/filters", key)).Expect(HttpStatusCode.OK).Json["items"]!.AsArray();
        Assert.Equal(System.Text.Json.Nodes.JsonNode.Parse(kept)!.ToJsonString(), Assert.Single(items)!.ToJsonString());
    }
}
