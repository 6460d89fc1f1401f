namespace SessionGrains.Silo.BackchannelLogout;

/// <summary>One claimed row of the outbox: a logout notice to deliver now.</summary>
public sealed record OutboxEntry(
    string TenantId, string SessionId, string ClientId, string UserId, string Uri, string Receiver, int Attempts, DateTimeOffset QueuedAt);

/// <summary>How one attempt went: delivered, or when to try again (null: give up, the row is failed).</summary>
public sealed record DeliveryOutcome(string TenantId, string SessionId, DateTimeOffset At, bool Delivered, string? Error, DateTimeOffset? RetryAt);

/// <summary>The delivery state of one session's logout notice, as session details show it.</summary>
public sealed record DeliveryState(DeliveryStatus Status, int Attempts, DateTimeOffset? LastAttemptAt, string? LastError);

/// <summary>A client's notices by status.</summary>
public sealed record DeliveryCounts(long Pending, long Delivered, long Failed);

/// <summary>The status of an outbox row (the number is the stored value; append only).</summary>
public enum DeliveryStatus
{
    /// <summary>Not delivered yet; retried until the retry window closes.</summary>
    Pending = 0,

    /// <summary>The receiver answered 2xx.</summary>
    Delivered = 1,

    /// <summary>Given up: the retry window closed without a 2xx.</summary>
    Failed = 2,
}
