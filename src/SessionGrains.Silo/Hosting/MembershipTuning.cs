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
        // An active entry whose I-am-alive time is two writes old is treated as stale: 20 s
        // instead of 60 s, which matters when every silo that probed it is gone too.
        options.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(10);
        // Each silo reads the whole table this often (not every 60 s), so one that missed a
        // membership update catches up within it.
        options.TableRefreshTimeout = TimeSpan.FromSeconds(10);
    }
}
