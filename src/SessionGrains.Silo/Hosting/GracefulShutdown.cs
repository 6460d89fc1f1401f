using Microsoft.Extensions.Options;
using SessionGrains.Silo.Health;

namespace SessionGrains.Silo.Hosting;

/// <summary>
/// The first step of a stop. Runs before any hosted service stops: it turns readiness off and
/// keeps serving for <see cref="ClusterOptions.ShutdownDelaySeconds"/>, so that load balancers
/// (a Kubernetes Service, the cluster script's nginx) stop routing here. Then the host stops the
/// HTTP server, which finishes the requests in flight, and only then the Orleans silo, which
/// hands its grains off and leaves the membership table.
/// </summary>
internal sealed class GracefulShutdown(Draining draining, IOptions<SessionGrainsOptions> options, ILogger<GracefulShutdown> logger)
    : IHostedLifecycleService
{
    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        draining.Begin();
        var delay = TimeSpan.FromSeconds(Math.Max(0, options.Value.Cluster.ShutdownDelaySeconds));
        logger.LogInformation("Stopping: not ready from now, serving {Delay} more before draining requests and leaving the cluster.", delay);
        try
        {
            await Task.Delay(delay, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            // The host's shutdown timeout ran out: go on stopping.
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
