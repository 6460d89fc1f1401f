using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;

namespace SessionGrains.Tests.Infrastructure;

/// <summary>The <see cref="GrainCluster"/> on SQLite that the grain tests of a collection share.</summary>
public sealed class GrainClusterFixture : IAsyncLifetime
{
    private readonly SqliteDatabases _databases = new();
    private GrainCluster _cluster = null!;

    /// <inheritdoc cref="GrainCluster.Time"/>
    public FakeTimeProvider Time => _cluster.Time;

    public InProcessTestCluster Cluster => _cluster.Cluster;

    public IGrainFactory Grains => _cluster.Grains;

    public TestDatabase Database => _cluster.Database;

    public async Task InitializeAsync() =>
        _cluster = await GrainCluster.StartAsync(await _databases.CreateAsync(CancellationToken.None), CancellationToken.None);

    public async Task DisposeAsync()
    {
        await _cluster.DisposeAsync();
        await _databases.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class GrainClusterCollection : ICollectionFixture<GrainClusterFixture>
{
    public const string Name = "grain cluster";
}
