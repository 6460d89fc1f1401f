namespace SessionGrains.Grains.Users;

/// <summary>One of a user's sessions, as far as the user grain needs to know it.</summary>
[GenerateSerializer, Immutable]
public sealed record UserSessionEntry(
    [property: Id(0)] string SessionId,
    [property: Id(1)] DateTimeOffset CreatedAt,
    [property: Id(2)] DateTimeOffset? ExpiresAt);

/// <summary>The durable state of a user grain (state name "user").</summary>
[GenerateSerializer]
public sealed class UserState
{
    /// <summary>Sessions that may still be live, oldest first. Ended ones are pruned lazily.</summary>
    [Id(0)] public List<UserSessionEntry> Sessions { get; set; } = [];

    [Id(1)] public bool Denylisted { get; set; }
    [Id(2)] public string? DenylistReason { get; set; }
    [Id(3)] public DateTimeOffset? DenylistedAt { get; set; }
}
