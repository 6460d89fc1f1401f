using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Orleans.Runtime;
using Orleans.TestingHost;
using SessionGrains.Grains;
using SessionGrains.Silo.Storage;

namespace SessionGrains.Tests.Infrastructure;

/// <summary>
/// A two-silo in-process cluster sharing one FakeTimeProvider as the session clock, so expiry
/// and grace can be moved through without sleeping. All grain state is in a real database of
/// either provider, wired exactly as the silo wires it (session table, Orleans' ADO.NET grain
/// storage, the SQLite write gate): a killed silo loses nothing a real one would keep.
/// </summary>
public sealed class GrainCluster : IAsyncDisposable
{
    private GrainCluster(InProcessTestCluster cluster, FakeTimeProvider time, TestDatabase database)
    {
        Cluster = cluster;
        Time = time;
        Database = database;
    }

    /// <summary>The session clock every silo of this cluster reads.</summary>
    public FakeTimeProvider Time { get; }

    public InProcessTestCluster Cluster { get; }

    public IGrainFactory Grains => Cluster.Client;

    public TestDatabase Database { get; }

    /// <summary>
    /// Starts the cluster; <paramref name="configure"/> adds to it (faults, settings) after the
    /// silo's own configuration. With <paramref name="skews"/>, silo i's session clock is the shared
    /// one shifted by skews[i] (<see cref="SkewedTimeProvider"/>): silos whose wall clocks disagree.
    /// </summary>
    public static async Task<GrainCluster> StartAsync(
        TestDatabase database, CancellationToken cancellationToken, Action<InProcessTestClusterBuilder>? configure = null,
        IReadOnlyList<TimeSpan>? skews = null)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));
        var silos = 0;
        var storage = database.CreateProvider();
        await storage.ApplySchemaAsync(database.ConnectionString, cancellationToken);
        var builder = new InProcessTestClusterBuilder(2);
        builder.ConfigureSilo((_, silo) =>
        {
            var index = Interlocked.Increment(ref silos) - 1;
            silo.Services.AddKeyedSingleton<TimeProvider>(
                Clock.Key, skews is null ? time : new SkewedTimeProvider(time, skews[index % skews.Count]));

            // Random placement, so grains really spread over both silos: Orleans' default prefers
            // the caller's silo, and tests of "any silo" must not depend on where that lands.
            silo.Services.AddSingleton<PlacementStrategy, RandomPlacement>();
            silo.AddSessionGrainsState(storage, database.ConnectionString);
            silo.AddSessionGrains();
            silo.AddIncomingGrainCallFilter<GrainCallProbe>();
        });
        configure?.Invoke(builder);
        var cluster = builder.Build();
        try
        {
            await cluster.DeployAsync();
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        return new GrainCluster(cluster, time, database);
    }

    public ValueTask DisposeAsync() => Cluster.DisposeAsync();
}
