namespace SessionGrains.Users;

/// <summary>A user who may not sign in, and why.</summary>
[GenerateSerializer, Immutable]
public sealed record DenylistEntry(
    [property: Id(0)] string UserId,
    [property: Id(1)] string? Reason,
    [property: Id(2)] DateTimeOffset CreatedAt);
