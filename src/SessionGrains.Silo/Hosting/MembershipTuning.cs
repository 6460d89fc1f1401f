using Orleans.Configuration;

namespace SessionGrains.Silo.Hosting;

/// <summary>
/// How fast the cluster declares a silo dead. Orleans' defaults (5 s probes, 3 missed) take
/// 15-20 s; until a dead silo is declared dead, calls to the grains it held wait, and a tenant
/// change waits for its lease. Probes every 2 s with 3 missed declare a killed silo dead in
/// about 6-8 s, inside the 10 s a platform team is promised, while a silo paused for less than
/// 6 s (a long GC) is not thrown out.
/// </summary>
public static class MembershipTuning
{
    /// <summary>Time between probes, and how long a probe may take.</summary>
    public static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    /// <summary>Missed probes before a silo votes another one dead.</summary>
    public const int MissedProbesLimit = 3;

    /// <summary>Applies the tuning to Orleans' membership options.</summary>
    public static void Apply(ClusterMembershipOptions options)
    {
        options.ProbeTimeout = ProbeTimeout;
        options.NumMissedProbesLimit = MissedProbesLimit;
        options.NumVotesForDeathDeclaration = 2;
        // A silo that stops writing its I-am-alive row is seen as dead by table readers this
        // soon too, which covers the case where every prober of it is itself gone.
        options.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(10);
        options.TableRefreshTimeout = TimeSpan.FromSeconds(10);
    }
}
