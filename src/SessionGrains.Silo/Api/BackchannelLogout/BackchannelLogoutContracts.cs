using SessionGrains.Silo.BackchannelLogout;

namespace SessionGrains.Silo.Api.BackchannelLogout;

/// <summary>How the back-channel logout of one ended session went, in its details.</summary>
/// <param name="Status"><c>pending</c>, <c>delivered</c> or <c>failed</c> (given up after the retry window).</param>
/// <param name="Attempts">POSTs made so far.</param>
/// <param name="LastAttemptAt">When the last one was made; null before the first.</param>
/// <param name="LastError">Why the last one failed (<c>HTTP 503</c>, a timeout, a refused connection); null after a delivery.</param>
public sealed record BackchannelLogoutDto(string Status, int Attempts, DateTimeOffset? LastAttemptAt, string? LastError)
{
    /// <summary>The details' value for a stored state (null: the end left no notice).</summary>
    public static BackchannelLogoutDto? From(DeliveryState? state) => state is null
        ? null
        : new(Name(state.Status), state.Attempts, state.LastAttemptAt, state.LastError);

    private static string Name(DeliveryStatus status) => status switch
    {
        DeliveryStatus.Delivered => "delivered",
        DeliveryStatus.Failed => "failed",
        _ => "pending",
    };
}

/// <summary>A client's back-channel logout notices by status: how far a logout-all has drained.</summary>
public sealed record BackchannelLogoutProgressDto(string ClientId, long Pending, long Delivered, long Failed);
