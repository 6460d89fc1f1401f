namespace SessionGrains.Clients;

/// <summary>What a tenant says of one of its clients (relying parties): its name, and where its back-channel logout goes.</summary>
[GenerateSerializer, Immutable]
public sealed record ClientRegistration(
    [property: Id(0)] string Name,
    [property: Id(1)] string? BackchannelLogoutUri,
    [property: Id(2)] bool BackchannelLogoutSessionRequired);

/// <summary>One registered client of a tenant, as stored: its id, its registration, when it was registered and last changed.</summary>
[GenerateSerializer, Immutable]
public sealed record RegisteredClient(
    [property: Id(0)] string ClientId,
    [property: Id(1)] ClientRegistration Registration,
    [property: Id(2)] DateTimeOffset CreatedAt,
    [property: Id(3)] DateTimeOffset UpdatedAt);
