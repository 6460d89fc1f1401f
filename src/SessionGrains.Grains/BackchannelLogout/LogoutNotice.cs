namespace SessionGrains.Grains.BackchannelLogout;

/// <summary>
/// What a session's end leaves for back-channel logout: the client to tell, the user, and the
/// client's back-channel logout URI, and when it was queued (the retry window runs from then).
/// Stored as an outbox row in the same transaction as the end.
/// </summary>
public sealed record LogoutNotice(string ClientId, string UserId, string Uri, DateTimeOffset QueuedAt);
