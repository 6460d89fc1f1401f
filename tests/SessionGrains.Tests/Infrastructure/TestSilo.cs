using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Runtime;
using SessionGrains.Grains;
using SessionGrains.Silo.Hosting;

namespace SessionGrains.Tests.Infrastructure;

/// <summary>
/// The real host (<see cref="SiloApp"/>: silo and HTTP API on Kestrel) in this process, started
/// from <see cref="SiloSettings"/> on either provider and reached over real HTTP.
/// </summary>
public sealed class TestSilo : IAsyncDisposable
{
    /// <summary>How long silos of one cluster may take to see each other as active.</summary>
    private static readonly TimeSpan JoinLimit = TimeSpan.FromSeconds(60);

    private readonly WebApplication _app;
    private bool _stopped;

    private TestSilo(WebApplication app, SiloSettings settings)
    {
        _app = app;
        Settings = settings;
        Api = new ApiClient(settings.BaseAddress, settings.OperatorKey!);
    }

    public SiloSettings Settings { get; }

    /// <summary>A client for this silo's HTTP API, with the operator key of the settings.</summary>
    public ApiClient Api { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>
    /// Builds and starts a host, and returns once it answers ready. <paramref name="configure"/>
    /// adds to the host's services once all of them are registered (e.g. test faults).
    /// </summary>
    public static async Task<TestSilo> StartAsync(
        SiloSettings settings, CancellationToken cancellationToken = default, Action<IServiceCollection>? configure = null)
    {
        var app = await SiloApp.CreateAsync(settings.Args(), builder =>
        {
            if (settings.Time is not null)
            {
                builder.Services.AddKeyedSingleton<TimeProvider>(Clock.Key, settings.Time);
            }

            if (configure is not null)
            {
                // Runs when the container is built, after the silo has registered its own services.
                ((IHostApplicationBuilder)builder).ConfigureContainer(new DefaultServiceProviderFactory(), configure);
            }
        }, cancellationToken);
        var silo = new TestSilo(app, settings);
        try
        {
            await app.StartAsync(cancellationToken);
            await Readiness.WaitAsync(settings.BaseAddress, cancellationToken);
            return silo;
        }
        catch (Exception startFailure)
        {
            try
            {
                await silo.DisposeAsync();
            }
            catch (Exception stopFailure)
            {
                // A host refused at start (bad settings) has a silo that never ran and cannot stop:
                // the start's failure is the one to see.
                throw new AggregateException(startFailure, stopFailure);
            }

            throw;
        }
    }

    /// <summary>Waits until this silo's membership view holds <paramref name="count"/> active silos.</summary>
    public Task WaitForActiveSilosAsync(int count, CancellationToken cancellationToken)
    {
        var membership = _app.Services.GetRequiredService<IClusterMembershipService>();
        int Active() => membership.CurrentSnapshot.Members.Values.Count(m => m.Status == SiloStatus.Active);
        return Poll.UntilAsync(
            _ => Task.FromResult(Active() >= count),
            JoinLimit,
            () => $"{Active()} of {count} silos are active.",
            cancellationToken);
    }

    /// <summary>A graceful stop, what an orchestrator's SIGTERM does: the silo leaves its cluster.</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (!_stopped)
        {
            _stopped = true;
            await _app.StopAsync(cancellationToken);
        }
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        try
        {
            await StopAsync(timeout.Token);
        }
        finally
        {
            Api.Dispose();
            await _app.DisposeAsync();
        }
    }
}
