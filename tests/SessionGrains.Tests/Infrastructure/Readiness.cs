namespace SessionGrains.Tests.Infrastructure;

/// <summary>Waiting for a silo's <c>/health/ready</c>, whichever way it was started.</summary>
public static class Readiness
{
    /// <summary>How long a silo may take to start; a cold machine's first JIT and schema apply take seconds.</summary>
    public static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Returns once the silo at <paramref name="baseAddress"/> answers ready. <paramref name="ensureRunning"/>
    /// runs before each probe and throws when the silo is gone for good (a process that exited);
    /// <paramref name="describe"/> adds what is known of the silo (its output) to a timeout.
    /// </summary>
    public static async Task WaitAsync(
        Uri baseAddress, CancellationToken cancellationToken, Func<Task>? ensureRunning = null, Func<string>? describe = null)
    {
        using var http = new HttpClient { BaseAddress = baseAddress, Timeout = TimeSpan.FromSeconds(2) };
        await Poll.UntilAsync(
            async ct =>
            {
                if (ensureRunning is not null)
                {
                    await ensureRunning();
                }

                try
                {
                    using var response = await http.GetAsync("/health/ready", ct);
                    return response.IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false; // Not listening yet.
                }
                catch (TaskCanceledException) when (!ct.IsCancellationRequested)
                {
                    return false; // Not answering yet.
                }
            },
            Limit,
            () => $"The silo at {baseAddress} did not become ready.\n{describe?.Invoke()}",
            cancellationToken);
    }
}
