namespace SessionGrains.Tests.Infrastructure.Faults;

/// <summary>
/// The faults a test turns on in one silo of a <see cref="GrainCluster"/> (one instance per silo):
/// tenant pushes that never reach it, a silo cut off from tenant grains, grain writes that fail,
/// silos its membership view does not list yet.
/// Nothing in the product reads this; only <see cref="FaultFilter"/>, <see cref="FaultyGrainStorage"/>
/// and <see cref="LaggingMembership"/> do.
/// </summary>
public sealed class SiloFaults
{
    private readonly TaskCompletionSource _pushDropped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _releaseDropped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _answerHeld = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource? _releaseAnswers;
    private int _snapshotFetches;

    /// <summary>Tenant snapshots pushed to this silo are lost: never applied, never acknowledged.</summary>
    public bool DropPushes { get; set; }

    /// <summary>This silo's calls for a tenant snapshot fail as a lost request does, with a timeout.</summary>
    public bool CutOffFromTenants { get; set; }

    /// <summary>Writes of this grain state name (e.g. "tenant", "user", "denylist", "session") fail.</summary>
    public string? FailWritesOf { get; set; }

    /// <summary>
    /// Silos this silo's tenant broadcasts do not find in the cluster's membership, as when they
    /// joined a moment ago and the news has not reached this silo yet.
    /// </summary>
    public IReadOnlySet<SiloAddress> NotYetSeen { get; set; } = new HashSet<SiloAddress>();

    /// <summary>Completes once a push to this silo has been dropped.</summary>
    public Task PushDropped => _pushDropped.Task;

    /// <summary>How many tenant snapshots this silo has asked tenant grains for.</summary>
    public int SnapshotFetches => Volatile.Read(ref _snapshotFetches);

    /// <summary>Lets go of dropped pushes (they fail without being applied), so the cluster can stop.</summary>
    public void ReleaseDropped() => _releaseDropped.TrySetResult();

    internal async Task DropAsync()
    {
        _pushDropped.TrySetResult();
        await _releaseDropped.Task;
        throw new TimeoutException("The push was lost (test fault).");
    }

    /// <summary>Completes once a snapshot answer is being held back (<see cref="HoldAnswers"/>).</summary>
    public Task AnswerHeld => _answerHeld.Task;

    /// <summary>From now on the answers to this silo's snapshot requests arrive only at <see cref="ReleaseAnswers"/>.</summary>
    public void HoldAnswers() => _releaseAnswers = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Delivers the answers held back, and stops holding them.</summary>
    public void ReleaseAnswers()
    {
        var release = _releaseAnswers;
        _releaseAnswers = null;
        release?.TrySetResult();
    }

    internal async Task DeliverAsync(Task answer)
    {
        await answer;
        if (_releaseAnswers is { } release)
        {
            _answerHeld.TrySetResult();
            await release.Task;
        }
    }

    internal void CountFetch() => Interlocked.Increment(ref _snapshotFetches);
}
