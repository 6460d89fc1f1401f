using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using SessionGrains.Grains;
using SessionGrains.Grains.Tenants;
using SessionGrains.Tenants;
using SessionGrains.Tests.Infrastructure;

namespace SessionGrains.Tests.Grains;

/// <summary>Grain state reads back from storage as it was written, and reading it changes nothing else.</summary>
[Trait("Category", "Cluster")]
[Collection(GrainClusterCollection.Name)]
public sealed class StoredStateGrainTests(GrainClusterFixture fixture)
{
    /// <summary>
    /// A stored policy with fields at their zero value, read the way an activation reads it. The
    /// JSON serializer that test clusters used to get filled the policy a fresh state starts with,
    /// which was the one shared default: every later tenant then started with this tenant's idle timeout.
    /// </summary>
    [Fact]
    public async Task A_stored_policy_reads_back_exactly_and_later_tenants_still_start_with_the_default()
    {
        var stored = fixture.Grains.GetGrain<ITenantGrain>(TestData.Id("t"));
        await stored.Create("Acme", 4);
        var policy = new TenantPolicy(120, 0, 0, SessionLimitAction.Deny, 0);
        await stored.SetPolicy(policy);

        var storage = fixture.Cluster.GetSiloServiceProvider(fixture.Cluster.Silos[0].SiloAddress)
            .GetRequiredKeyedService<IGrainStorage>(StorageNames.Default);
        var read = new GrainState<TenantState>(new TenantState());
        await storage.ReadStateAsync("tenant", stored.GetGrainId(), read);

        Assert.Equal(policy, read.State!.Policy);
        Assert.Equal(new TenantPolicy(1800, 36000, 0, SessionLimitAction.Deny, 0), TenantPolicy.Default);
        var later = fixture.Grains.GetGrain<ITenantGrain>(TestData.Id("t"));
        await later.Create("Globex", 4);
        Assert.Equal(TenantPolicy.Default, (await later.Get())!.Policy);
    }
}
