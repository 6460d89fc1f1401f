using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Orleans.TestingHost;
using SessionGrains.Grains;
using SessionGrains.Grains.Indexing;
using SessionGrains.Silo.Storage;

namespace SessionGrains.Tests.Infrastructure;

/// <summary>
/// A two-silo cluster of its own for tests that kill a silo, so the shared cluster of the other
/// grain tests is never left with one silo. Unlike <see cref="GrainClusterFixture"/>, all grain
/// state (tenants, users, denylists) is in the SQLite file too, through Orleans' ADO.NET storage
/// as the real silo has it: with memory storage, a killed silo could take a tenant's state with
/// it, and the test would measure the test double instead of the product.
/// </summary>
public sealed class CrashClusterFixture : IAsyncLifetime
{
    /// <summary>The session clock every silo of this cluster reads.</summary>
    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));

    public InProcessTestCluster Cluster { get; private set; } = null!;

    public IGrainFactory Grains => Cluster.Client;

    public string DatabasePath { get; } = Path.Combine(Path.GetTempPath(), "sessiongrains-tests", $"crash-{Guid.NewGuid():N}.db");

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
            silo.AddAdoNetGrainStorage(StorageNames.Default, o =>
            {
                o.Invariant = sqlite.Invariant;
                o.ConnectionString = connectionString;
            });
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
