namespace SessionGrains.Grains;

/// <summary>The one way a gate hands out its turns: awaited, and freed by disposing, once.</summary>
public static class SemaphoreTurns
{
    /// <summary>Waits for a turn of <paramref name="semaphore"/>; disposing the result frees it, a second dispose does nothing.</summary>
    public static async Task<IDisposable> EnterAsync(this SemaphoreSlim semaphore, CancellationToken cancellationToken)
    {
        await semaphore.WaitAsync(cancellationToken);
        return new Turn(semaphore);
    }

    private sealed class Turn(SemaphoreSlim semaphore) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                semaphore.Release();
            }
        }
    }
}
