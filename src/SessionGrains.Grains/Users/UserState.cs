namespace SessionGrains.Grains.Users;

/// <summary>
/// One of a user's sessions, as far as the user grain needs to know it: when it ends at the
/// latest, and its microtenant (null: the tenant level), the scope its session limit counts in.
/// </summary>
public sealed record UserSessionEntry(string SessionId, DateTimeOffset CreatedAt, DateTimeOffset? ExpiresAt, string? MicrotenantId);

/// <summary>
/// The durable state of a user grain (state name "user"): only the denylist. The user's sessions
/// are not stored here: each is a row of the session table, which is where the grain reads them
/// from, so a sign-in costs one durable write, not two.
/// </summary>
[GenerateSerializer]
public sealed class UserState
{
    [Id(1)] public bool Denylisted { get; set; }
    [Id(2)] public string? DenylistReason { get; set; }
    [Id(3)] public DateTimeOffset? DenylistedAt { get; set; }
}
