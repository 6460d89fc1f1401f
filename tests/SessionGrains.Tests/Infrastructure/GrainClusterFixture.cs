using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;
using Microsoft.Extensions.Logging;
using SessionGrains.Grains;
using SessionGrains.Grains.Indexing;
using SessionGrains.Silo.Storage;

namespace SessionGrains.Tests.Infrastructure;

/// <summary>
/// A two-silo in-process cluster sharing one FakeTimeProvider as the session clock, so expiry
/// and grace can be moved through without sleeping. The session table is a real SQLite file
/// (shards reload from it after a crash); other grain state is in memory.
/// </summary>
public sealed class GrainClusterFixture : IAsyncLifetime
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
            silo.Services.AddSingleton<ISessionRowStore>(services =>
                sqlite.CreateSessionRowStore(connectionString, services.GetRequiredService<ILoggerFactory>()));
            silo.AddMemoryGrainStorage(StorageNames.Default);
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
