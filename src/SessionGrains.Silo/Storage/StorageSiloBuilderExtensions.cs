using System.Net;
using Orleans.Configuration;
using Orleans.Storage;
using SessionGrains.Grains;
using SessionGrains.Grains.SessionTable;
using SessionGrains.Silo.Hosting;

namespace SessionGrains.Silo.Storage;

/// <summary>Wires Orleans' ADO.NET providers (and clustering) to the configured database.</summary>
public static class StorageSiloBuilderExtensions
{
    /// <summary>
    /// Grain state in the configured database; membership there too for PostgreSQL, or localhost
    /// clustering for the single SQLite silo.
    /// </summary>
    public static ISiloBuilder UseSessionGrainsStorage(this ISiloBuilder silo, SessionGrainsOptions options, StorageProvider provider)
    {
        var cs = options.Storage.ConnectionString;
        var cluster = options.Cluster;
        silo.Configure<Orleans.Configuration.ClusterOptions>(o =>
        {
            o.ClusterId = cluster.ClusterId;
            o.ServiceId = cluster.ServiceId;
        });
        if (!string.IsNullOrWhiteSpace(cluster.SiloName))
        {
            silo.Configure<SiloOptions>(o => o.SiloName = cluster.SiloName);
        }

        if (provider.HostsClustering)
        {
            if (IPAddress.TryParse(cluster.AdvertisedIP, out var advertised))
            {
                // Listen on every interface: in a pod the advertised IP is the pod's, but the
                // process may also be reached on loopback by probes and sidecars.
                silo.ConfigureEndpoints(advertised, cluster.SiloPort, cluster.GatewayPort, listenOnAnyHostAddress: true);
            }
            else
            {
                silo.ConfigureEndpoints(cluster.SiloPort, cluster.GatewayPort);
            }

            silo.Configure<ClusterMembershipOptions>(MembershipTuning.Apply);
            silo.UseAdoNetClustering(o =>
            {
                o.Invariant = provider.Invariant;
                o.ConnectionString = cs;
            });
            silo.UseAdoNetReminderService(o =>
            {
                o.Invariant = provider.Invariant;
                o.ConnectionString = cs;
            });
        }
        else
        {
            silo.UseLocalhostClustering(cluster.SiloPort, cluster.GatewayPort, null, cluster.ServiceId, cluster.ClusterId);
        }

        return silo.AddSessionGrainsState(provider, cs);
    }

    /// <summary>
    /// Grain state only (no clustering): the session table and Orleans' ADO.NET grain storage in
    /// the given database. Test clusters, which bring their own membership, use this alone.
    /// </summary>
    public static ISiloBuilder AddSessionGrainsState(this ISiloBuilder silo, StorageProvider provider, string cs)
    {
        // Grain state in Orleans' compact binary format rather than the JSON default: the JSON
        // serializer populates the objects a fresh state already holds, so it would write into
        // shared defaults such as TenantPolicy.Default.
        silo.Services.AddSingleton<IGrainStorageSerializer, OrleansGrainStorageSerializer>();
        silo.Services.AddSingleton<ISessionRowStore>(services =>
            provider.CreateSessionRowStore(cs, services.GetRequiredService<ILoggerFactory>()));
        silo.AddAdoNetGrainStorage(StorageNames.Default, o =>
        {
            o.Invariant = provider.Invariant;
            o.ConnectionString = cs;
        });
        if (provider is SqliteStorage)
        {
            // Registered last, so it is the storage grains get; see SqliteWriteGate for why.
            silo.Services.AddKeyedSingleton<IGrainStorage>(StorageNames.Default, (sp, _) =>
                new SerializedWritesGrainStorage(AdoNetGrainStorageFactory.Create(sp, StorageNames.Default), SqliteWriteGate.For(cs)));
        }

        return silo;
    }
}
