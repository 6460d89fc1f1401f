using SessionGrains.Grains.SessionTable;

namespace SessionGrains.Tests.Unit;

/// <summary>The load gate lets exactly as many shard loads run at once as there are cores, and a slot freed twice counts once.</summary>
[Trait("Category", "Unit")]
public sealed class ShardLoadGateTests
{
    [Fact]
    public async Task As_many_loads_run_at_once_as_there_are_cores_and_the_next_waits_for_a_free_slot()
    {
        var gate = new ShardLoadGate();
        Assert.Equal(Environment.ProcessorCount, gate.Width);
        var held = new List<IDisposable>();
        for (var i = 0; i < gate.Width; i++)
        {
            held.Add(await gate.EnterAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(5)));
        }

        var next = gate.EnterAsync(CancellationToken.None);
        await Task.Delay(100);
        Assert.False(next.IsCompleted);

        // Freed twice, the slot lets one waiter in, not two.
        held[0].Dispose();
        held[0].Dispose();
        held.Add(await next.WaitAsync(TimeSpan.FromSeconds(5)));
        var another = gate.EnterAsync(CancellationToken.None);
        await Task.Delay(100);
        Assert.False(another.IsCompleted);

        using var cancel = new CancellationTokenSource();
        var cancelled = gate.EnterAsync(cancel.Token);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);

        held[1].Dispose();
        (await another.WaitAsync(TimeSpan.FromSeconds(5))).Dispose();
    }
}
