using System.Threading.Channels;
using Microsoft.Extensions.Logging;

namespace SessionGrains.Silo.Storage;

/// <summary>
/// Queues writes from many callers and commits whatever has queued in one transaction (one log
/// flush), up to <c>maxGroup</c> at a time, so throughput grows with concurrency instead of being
/// bounded by one flush per write. Each caller's task completes once its own write is committed
/// (or fails with the reason), so "returned" still means "stored". The session table and the
/// audit log both write this way.
/// </summary>
/// <param name="what">What is written, for errors and logs ("session", "audit").</param>
/// <param name="maxGroup">The most writes one transaction carries.</param>
/// <param name="commit">
/// Commits one group in one transaction and says, for each write in order, null when it is
/// stored or the exception its caller gets (a write the database refused alone, such as a
/// version conflict). A thrown exception rolls the whole group back: every caller gets it.
/// </param>
/// <param name="logger">Where a failed group is logged.</param>
public sealed partial class GroupCommit<T>(
    string what, int maxGroup, Func<IReadOnlyList<T>, Task<IReadOnlyList<Exception?>>> commit, ILogger logger) : IAsyncDisposable
{
    private readonly Channel<Pending> _writes = Channel.CreateUnbounded<Pending>(new UnboundedChannelOptions { SingleReader = true });
    private Task? _loop;

    /// <summary>Queues <paramref name="write"/>; completes once it is committed.</summary>
    public Task WriteAsync(T write, CancellationToken cancellationToken)
    {
        var pending = new Pending(write);
        if (!_writes.Writer.TryWrite(pending))
        {
            throw new ObjectDisposedException(what);
        }

        // Started on first use rather than in the constructor, so a store built and never written
        // to runs nothing.
        LazyInitializer.EnsureInitialized(ref _loop, () => Task.Run(LoopAsync));
        return pending.Done.Task.WaitAsync(cancellationToken);
    }

    /// <summary>Stops taking writes and finishes those queued.</summary>
    public async ValueTask DisposeAsync()
    {
        _writes.Writer.TryComplete();
        if (Volatile.Read(ref _loop) is { } loop)
        {
            await loop;
        }
    }

    private async Task LoopAsync()
    {
        var group = new List<Pending>(maxGroup);
        var writes = new List<T>(maxGroup);
        while (await _writes.Reader.WaitToReadAsync())
        {
            while (group.Count < maxGroup && _writes.Reader.TryRead(out var next))
            {
                group.Add(next);
                writes.Add(next.Write);
            }

            try
            {
                var outcomes = await commit(writes);
                for (var i = 0; i < group.Count; i++)
                {
                    if (outcomes[i] is { } refused)
                    {
                        group[i].Done.TrySetException(refused);
                    }
                    else
                    {
                        group[i].Done.TrySetResult();
                    }
                }
            }
            catch (Exception ex)
            {
                // The transaction rolled back: none of the group is stored, and each caller hears so.
                LogGroupFailed(ex, group.Count, what);
                foreach (var pending in group)
                {
                    pending.Done.TrySetException(ex);
                }
            }

            group.Clear();
            writes.Clear();
        }
    }

    private sealed record Pending(T Write)
    {
        public TaskCompletionSource Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    [LoggerMessage(LogLevel.Error, "A group of {Count} {What} writes failed and was rolled back.")]
    private partial void LogGroupFailed(Exception ex, int count, string what);
}
