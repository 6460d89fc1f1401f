using Microsoft.Extensions.Options;
using SessionGrains.Grains;

namespace SessionGrains.Silo.BackchannelLogout;

/// <summary>
/// Deletes delivered and failed notices past <see cref="BackchannelLogoutOptions.RetentionDays"/>
/// every <see cref="BackchannelLogoutOptions.PurgeIntervalSeconds"/>, on the session clock. Every
/// silo purges; the deletes only repeat each other. Pending notices are never purged.
/// </summary>
internal sealed partial class OutboxRetention(
    BackchannelOutbox outbox, IOptions<BackchannelLogoutOptions> options, [FromKeyedServices(Clock.Key)] TimeProvider time,
    ILogger<OutboxRetention> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(options.Value.PurgeIntervalSeconds), time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    var before = time.GetUtcNow() - TimeSpan.FromDays(options.Value.RetentionDays);
                    if (await outbox.PurgeAsync(before, stoppingToken) is > 0 and var purged)
                    {
                        LogPurged(purged, before);
                    }
                }
                catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
                {
                    LogPurgeFailed(ex);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }
    }

    [LoggerMessage(LogLevel.Information, "Purged {Count} back-channel logout notices last attempted before {Before:o}.")]
    private partial void LogPurged(long count, DateTimeOffset before);

    [LoggerMessage(LogLevel.Warning, "Purging old back-channel logout notices failed; the next round tries again.")]
    private partial void LogPurgeFailed(Exception ex);
}
