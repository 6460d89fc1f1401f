using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;
using SessionGrains.Grains;

namespace SessionGrains.Tests.Infrastructure;

/// <summary>
/// A two-silo in-process cluster with in-memory grain storage and one shared FakeTimeProvider
/// as the session clock, so expiry and grace can be moved through without sleeping.
/// </summary>
public sealed class GrainClusterFixture : IAsyncLifetime
{
    /// <summary>The session clock every silo of this cluster reads.</summary>
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.Client;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddKeyedSingleton<TimeProvider>(Clock.Key, Time);
            silo.AddMemoryGrainStorage(StorageNames.Default);
            silo.AddSessionGrains();
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync() => await Cluster.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class GrainClusterCollection : ICollectionFixture<GrainClusterFixture>
{
    public const string Name = "grain cluster";
}
