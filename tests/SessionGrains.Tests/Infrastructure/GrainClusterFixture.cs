using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Runtime;
using Orleans.TestingHost;
using SessionGrains.Grains;
using SessionGrains.Silo.Storage;

namespace SessionGrains.Tests.Infrastructure;

/// <summary>
/// A two-silo in-process cluster sharing one FakeTimeProvider as the session clock, so expiry
/// and grace can be moved through without sleeping. All grain state is in a real SQLite file,
/// wired exactly as the silo wires it (session table, Orleans' ADO.NET grain storage, the write
/// gate): a killed silo loses nothing a real one would keep.
/// </summary>
public class GrainClusterFixture : IAsyncLifetime
{
    /// <summary>The session clock every silo of this cluster reads.</summary>
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));

    private readonly SqliteDatabases _databases = new();

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.Client;

    public TestDatabase Database { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Database = await _databases.CreateAsync(CancellationToken.None);
        var connectionString = Database.ConnectionString;
        var sqlite = new SqliteStorage();
        await sqlite.ApplySchemaAsync(connectionString, CancellationToken.None);
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) =>
        {
            silo.Services.AddKeyedSingleton<TimeProvider>(Clock.Key, Time);

            // Random placement, so grains really spread over both silos: Orleans' default prefers
            // the caller's silo, and tests of "any silo" must not depend on where that lands.
            silo.Services.AddSingleton<PlacementStrategy, RandomPlacement>();
            silo.AddSessionGrainsState(sqlite, connectionString);
            silo.AddSessionGrains();
        });
        Cluster = builder.Build();
        await Cluster.DeployAsync();
    }

    public async Task DisposeAsync()
    {
        await Cluster.DisposeAsync();
        await _databases.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class GrainClusterCollection : ICollectionFixture<GrainClusterFixture>
{
    public const string Name = "grain cluster";
}
