using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using SessionGrains.Grains;

namespace SessionGrains.Silo.Audit;

/// <summary>
/// Deletes audit records past <see cref="AuditOptions.RetentionDays"/>, once at start and then
/// every <see cref="AuditOptions.PurgeIntervalSeconds"/>, on the session clock (so tests move it).
/// Every silo purges; the deletes are idempotent, so several at once only repeat each other.
/// </summary>
internal sealed partial class AuditRetention(
    AuditStore store, IOptions<AuditOptions> options, [FromKeyedServices(Clock.Key)] TimeProvider time, ILogger<AuditRetention> logger)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var settings = options.Value;
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(settings.PurgeIntervalSeconds), time);
        do
        {
            try
            {
                var before = time.GetUtcNow() - TimeSpan.FromDays(settings.RetentionDays);
                if (await store.PurgeAsync(before, stoppingToken) is > 0 and var purged)
                {
                    LogPurged(purged, before);
                }
            }
            catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
            {
                // The next round tries again; records past retention only wait a little longer.
                LogPurgeFailed(ex);
            }
        }
        while (await WaitAsync(timer, stoppingToken));
    }

    private static async Task<bool> WaitAsync(PeriodicTimer timer, CancellationToken stoppingToken)
    {
        try
        {
            return await timer.WaitForNextTickAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    [LoggerMessage(LogLevel.Information, "Purged {Count} audit records older than {Before:o}.")]
    private partial void LogPurged(long count, DateTimeOffset before);

    [LoggerMessage(LogLevel.Warning, "Purging old audit records failed; the next round tries again.")]
    private partial void LogPurgeFailed(Exception ex);
}
