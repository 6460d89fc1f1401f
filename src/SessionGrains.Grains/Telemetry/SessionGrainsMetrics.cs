using System.Diagnostics.Metrics;
using SessionGrains.Sessions;

namespace SessionGrains.Grains.Telemetry;

/// <summary>
/// The product's own meter, <see cref="MeterName"/>, and every instrument on it, recorded where
/// the thing happens (grains and the tenant broadcast). One per silo (a singleton), created from
/// the host's <see cref="IMeterFactory"/>, so a process that runs several hosts (tests) can tell
/// each host's measurements apart by the meter's scope.
/// </summary>
/// <remarks>
/// Tags have bounded cardinality: a result, a reason, an outcome, each from a fixed set of words
/// (<see cref="MetricTags"/>). No tenant id, user id, session id, key or silo address is ever a
/// tag: a multi-tenant platform has millions of them, and every distinct tag set is a time series
/// that each silo holds in memory and every scrape sends.
/// </remarks>
public sealed class SessionGrainsMetrics
{
    /// <summary>The meter's name (<c>AddMeter</c> it to export).</summary>
    public const string MeterName = "SessionGrains";

    private static readonly double[] ShardLoadBuckets = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60];
    private static readonly double[] PushBuckets = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 30];

    private readonly Counter<long> _signIns;
    private readonly Counter<long> _validations;
    private readonly Counter<long> _ends;
    private readonly Counter<long> _reuses;
    private readonly Histogram<double> _shardLoad;
    private readonly Counter<long> _rowsLoaded;
    private readonly Histogram<double> _push;
    private readonly Counter<long> _pushUnacknowledged;
    private readonly Histogram<double> _broadcast;

    /// <summary>Creates the meter and its instruments.</summary>
    public SessionGrainsMetrics(IMeterFactory meters, ActiveShards shards)
    {
        var meter = meters.Create(MeterName);
        _signIns = meter.CreateCounter<long>(
            "sessiongrains.sign_ins", "{sign_in}", "Sign-ins answered by a user grain, by result.");
        _validations = meter.CreateCounter<long>(
            "sessiongrains.validations", "{validation}", "Access-token validations, by result.");
        _ends = meter.CreateCounter<long>(
            "sessiongrains.session_ends", "{session}", "Session ends stored, by reason.");
        _reuses = meter.CreateCounter<long>(
            "sessiongrains.refresh_token_reuses", "{refresh_token}",
            "Refresh tokens presented again after they were rotated away (theft detected; the session ends).");
        meter.CreateObservableGauge(
            "sessiongrains.session_table.sessions", shards.Sessions, "{session}",
            "Sessions held in memory by the session table shards active in this silo.");
        meter.CreateObservableGauge(
            "sessiongrains.session_table.shards", shards.Count, "{shard}",
            "Session table shards active in this silo.");
        _shardLoad = meter.CreateHistogram(
            "sessiongrains.session_table.shard_load.duration", "s",
            "How long a session table shard took to load its rows when it activated.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = ShardLoadBuckets });
        _rowsLoaded = meter.CreateCounter<long>(
            "sessiongrains.session_table.rows_loaded", "{row}", "Session rows read by shards as they activated.");
        _push = meter.CreateHistogram(
            "sessiongrains.tenant_cache.push.duration", "s",
            "From the start of a tenant change's push to one silo's acknowledgement.",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = PushBuckets });
        _pushUnacknowledged = meter.CreateCounter<long>(
            "sessiongrains.tenant_cache.push.unacknowledged", "{push}",
            "Pushes of a tenant change a silo did not acknowledge, so the change waited that silo's lease out.");
        _broadcast = meter.CreateHistogram(
            "sessiongrains.tenant_cache.broadcast.duration", "s",
            "How long a tenant change waited for every silo (acknowledged, or its lease waited out).",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = PushBuckets });
    }

    /// <summary>A sign-in a user grain answered: <paramref name="error"/> null when it opened a session.</summary>
    public void SignedIn(SignInError? error) =>
        _signIns.Add(1, new KeyValuePair<string, object?>(MetricTags.Result, MetricTags.Of(error)));

    /// <summary>A validation's answer: <paramref name="inactive"/> null when the token was active.</summary>
    public void Validated(InactiveReason? inactive) =>
        _validations.Add(1, new KeyValuePair<string, object?>(MetricTags.Result, MetricTags.Of(inactive)));

    /// <summary>A session's end, once stored.</summary>
    public void Ended(EndReason reason) =>
        _ends.Add(1, new KeyValuePair<string, object?>(MetricTags.Reason, MetricTags.Of(reason)));

    /// <summary>A rotated-away refresh token came back.</summary>
    public void RefreshTokenReused() => _reuses.Add(1);

    /// <summary>A shard loaded <paramref name="rows"/> rows in <paramref name="took"/>.</summary>
    public void ShardLoaded(TimeSpan took, long rows)
    {
        _shardLoad.Record(took.TotalSeconds);
        _rowsLoaded.Add(rows);
    }

    /// <summary>A silo acknowledged a push <paramref name="took"/> after the push started.</summary>
    public void PushAcknowledged(TimeSpan took) => _push.Record(took.TotalSeconds);

    /// <summary>A silo did not acknowledge a push; the change waits its lease out.</summary>
    public void PushUnacknowledged() => _pushUnacknowledged.Add(1);

    /// <summary>A tenant change's broadcast returned after <paramref name="took"/>.</summary>
    public void Broadcast(TimeSpan took) => _broadcast.Record(took.TotalSeconds);
}
