namespace SessionGrains.Tests.Infrastructure;

/// <summary>
/// Several silo processes of one cluster on one PostgreSQL database, each on ports of its own,
/// as a platform team runs them. Silo <c>i</c> keeps its ports across restarts, so a client or
/// load balancer that knows it finds it again.
/// </summary>
public sealed class SiloProcessCluster : IAsyncDisposable
{
    /// <summary>How long a silo takes to stop on SIGTERM: the shutdown delay, the drain, leaving the cluster.</summary>
    public static readonly TimeSpan StopLimit = TimeSpan.FromSeconds(45);

    private readonly SiloSettings[] _settings;
    private readonly SiloProcess?[] _silos;

    private SiloProcessCluster(SiloSettings[] settings)
    {
        _settings = settings;
        _silos = new SiloProcess?[settings.Length];
    }

    /// <summary>The silos' HTTP addresses, by index.</summary>
    public IReadOnlyList<Uri> Addresses => [.. _settings.Select(s => s.BaseAddress)];

    public int Count => _settings.Length;

    /// <summary>What silo <paramref name="index"/> is started from (its database, ports, cluster id).</summary>
    public SiloSettings Settings(int index) => _settings[index];

    /// <summary>Starts <paramref name="count"/> silos of <paramref name="template"/>'s cluster, one after another.</summary>
    public static async Task<SiloProcessCluster> StartAsync(SiloSettings template, int count, CancellationToken cancellationToken = default)
    {
        var settings = Enumerable.Range(0, count).Select(i => i == 0 ? template : template with { Ports = SiloPorts.Free() }).ToArray();
        var cluster = new SiloProcessCluster(settings);
        try
        {
            for (var i = 0; i < count; i++)
            {
                await cluster.StartAsync(i, cancellationToken);
            }

            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    /// <summary>Starts silo <paramref name="index"/> (again) and returns once it is ready.</summary>
    public async Task StartAsync(int index, CancellationToken cancellationToken = default)
    {
        if (_silos[index] is { HasExited: false })
        {
            throw new InvalidOperationException($"Silo {index} is running.");
        }

        if (_silos[index] is { } old)
        {
            await old.DisposeAsync();
        }

        _silos[index] = await SiloProcess.StartAsync(_settings[index], cancellationToken);
    }

    /// <summary>SIGTERM to silo <paramref name="index"/>; returns its exit code once it has exited.</summary>
    public Task<int> StopAsync(int index, CancellationToken cancellationToken = default) =>
        Running(index).StopAsync(StopLimit, cancellationToken);

    /// <summary>SIGKILL to silo <paramref name="index"/>.</summary>
    public Task KillAsync(int index, CancellationToken cancellationToken = default) => Running(index).KillAsync(cancellationToken);

    /// <summary>What every silo printed, for a failure message.</summary>
    public string Output() => string.Join("\n", _silos.Select((s, i) => $"--- silo {i} ---\n{s?.Output}"));

    private SiloProcess Running(int index) =>
        _silos[index] is { HasExited: false } silo ? silo : throw new InvalidOperationException($"Silo {index} is not running.");

    public async ValueTask DisposeAsync()
    {
        foreach (var silo in _silos)
        {
            if (silo is not null)
            {
                await silo.DisposeAsync();
            }
        }
    }
}
