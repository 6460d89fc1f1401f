namespace SessionGrains.Tests.Infrastructure;

/// <summary>
/// What a load balancer does in front of the silos: asks each one's <c>/health/ready</c> every
/// 100 ms and hands out, in turn, only those that answered ready last time. A silo told to stop
/// reports not ready at once and keeps serving for its shutdown delay, so nothing is sent to it
/// once it drains.
/// </summary>
public sealed class ReadySiloRouter : IAsyncDisposable
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);

    private readonly IReadOnlyList<Uri> _silos;
    private readonly bool[] _ready;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _polling;
    private int _next;

    public ReadySiloRouter(IReadOnlyList<Uri> silos)
    {
        _silos = silos;
        _ready = new bool[silos.Count];
        _polling = Task.Run(() => PollAsync(_stop.Token));
    }

    /// <summary>The index of the next ready silo, or -1 when none is ready.</summary>
    public int Next()
    {
        for (var attempt = 0; attempt < _silos.Count; attempt++)
        {
            var index = (int)((uint)Interlocked.Increment(ref _next) % (uint)_silos.Count);
            if (Volatile.Read(ref _ready[index]))
            {
                return index;
            }
        }

        return -1;
    }

    public bool IsReady(int index) => Volatile.Read(ref _ready[index]);

    private async Task PollAsync(CancellationToken cancellationToken)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromMilliseconds(500) };
        while (!cancellationToken.IsCancellationRequested)
        {
            await Task.WhenAll(_silos.Select(async (silo, i) =>
            {
                bool ready;
                try
                {
                    using var response = await http.GetAsync(new Uri(silo, "/health/ready"), cancellationToken);
                    ready = response.IsSuccessStatusCode;
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                    ready = false;
                }

                Volatile.Write(ref _ready[i], ready);
            }));

            try
            {
                await Task.Delay(Interval, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _polling;
        _stop.Dispose();
    }
}
