namespace SessionGrains.Sessions;

/// <summary>The device a session signed in from, as the identity provider reports it.</summary>
[GenerateSerializer, Immutable]
public sealed record DeviceInfo(
    [property: Id(0)] string? DeviceId,
    [property: Id(1)] string? Hostname,
    [property: Id(2)] string? Os);

/// <summary>A validated sign-in: everything a new session records about who, how and from where.</summary>
[GenerateSerializer, Immutable]
public sealed record SignIn(
    [property: Id(0)] string UserId,
    [property: Id(1)] string? UserEmail,
    [property: Id(2)] string? SessionName,
    [property: Id(3)] SessionKind Kind,
    [property: Id(4)] string? ApiKeyName,
    [property: Id(5)] string ClientId,
    [property: Id(6)] string? ClientType,
    [property: Id(7)] string? IdentityProvider,
    [property: Id(8)] string IpAddress,
    [property: Id(9)] string? UserAgent,
    [property: Id(10)] string? MicrotenantId,
    [property: Id(11)] DeviceInfo? Device,
    [property: Id(12)] string? ClaimsJson);
