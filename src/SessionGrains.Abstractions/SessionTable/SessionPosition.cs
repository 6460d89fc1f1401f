namespace SessionGrains.SessionTable;

/// <summary>
/// A place in the session table's order, as a keyset cursor holds it: the sort key of the last
/// row a page showed, and its session id for ties. Which field holds the key depends on the sort:
/// <see cref="Number"/> for times and durations (UTC ticks), <see cref="IpHigh"/>/<see cref="IpLow"/>
/// for the IP address as a 128-bit number, <see cref="Text"/> for the email.
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SessionPosition(
    [property: Id(0)] long Number,
    [property: Id(1)] ulong IpHigh,
    [property: Id(2)] ulong IpLow,
    [property: Id(3)] string? Text,
    [property: Id(4)] string SessionId);
