using System.Collections.Concurrent;
using System.Reflection;
using Microsoft.Extensions.Logging;

namespace SessionGrains.Grains.Resilience;

/// <summary>
/// Sends a grain call again when a silo leaving the cluster lost it, so that a rolling restart
/// fails no request. Two failures qualify. A rejection (<see cref="OrleansMessageRejectionException"/>,
/// e.g. "Silo stopping") means the target refused the call before running it, and Orleans has
/// already dropped the address it had cached, so the next attempt finds the grain's new home:
/// always safe. A <see cref="SiloUnavailableException"/> means the target went away with the call
/// unanswered, run or not: sent again only for methods not marked <see cref="AtMostOnceAttribute"/>.
/// And a <see cref="ChangeNotStoredException"/> that was <see cref="ChangeNotStoredException.Superseded"/>
/// (another activation stored first during the hand-off) left no trace and dropped the stale
/// activation: sent again, it runs on what was stored.
/// Bounded: at most <see cref="MaxAttempts"/> sends, about 1.5 s of pauses in all, which covers a
/// stopping silo's hand-off; a silo that is not coming back is left to the caller's 503.
/// </summary>
internal sealed class RetryLostCalls(ILogger<RetryLostCalls> logger) : IOutgoingGrainCallFilter
{
    public const int MaxAttempts = 4;

    // Real time, not the session clock: this waits for the network, and a test's frozen session
    // clock must not stall it.
    private static readonly TimeSpan[] Pauses = [TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(400), TimeSpan.FromMilliseconds(1000)];

    private static readonly ConcurrentDictionary<MethodInfo, bool> AtMostOnce = new();

    public async Task Invoke(IOutgoingGrainCallContext context)
    {
        for (var attempt = 1; ; attempt++)
        {
            Exception? failure;
            try
            {
                await context.Invoke();
                failure = context.Response?.Exception;
            }
            catch (Exception ex)
            {
                failure = ex;
                if (attempt >= MaxAttempts || !MayResend(ex, context.InterfaceMethod))
                {
                    throw;
                }
            }

            if (failure is null || attempt >= MaxAttempts || !MayResend(failure, context.InterfaceMethod))
            {
                return;
            }

            logger.LogDebug("{Method} to {Grain} was lost ({Failure}); sending it again, attempt {Attempt}.",
                context.InterfaceMethod?.Name, context.TargetId, failure.GetType().Name, attempt + 1);
            await Task.Delay(Pauses[attempt - 1], TimeProvider.System);
        }
    }

    private static bool MayResend(Exception failure, MethodInfo? method) => failure switch
    {
        // A SiloUnavailableException is also a rejection exception, so it is asked about first.
        SiloUnavailableException => method is not null && !AtMostOnce.GetOrAdd(method, m => m.IsDefined(typeof(AtMostOnceAttribute), inherit: false)),
        OrleansMessageRejectionException => true,
        ChangeNotStoredException { Superseded: true } => true,
        _ => false,
    };
}
