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

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.Client;

    public string DatabasePath { get; } = Path.Combine(Path.GetTempPath(), "sessiongrains-tests", $"{Guid.NewGuid():N}.db");

    public async Task InitializeAsync()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(DatabasePath)!);
        var connectionString = $"Data Source={DatabasePath}";
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
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var suffix in new[] { "", "-wal", "-shm" })
        {
            File.Delete(DatabasePath + suffix);
        }
    }
}

[CollectionDefinition(Name)]
public sealed class GrainClusterCollection : ICollectionFixture<GrainClusterFixture>
{
    public const string Name = "grain cluster";
}
