namespace SessionGrains.SavedFilters;

/// <summary>
/// A session-table query as an administrator saved it: the table's parameters as the contract
/// spells them (validated before they were saved), timestamps as UTC times. Null is "not set".
/// </summary>
[GenerateSerializer, Immutable]
public sealed record SavedQuery(
    [property: Id(0)] string? Search,
    [property: Id(1)] string? Status,
    [property: Id(2)] string? UserId,
    [property: Id(3)] string? ClientId,
    [property: Id(4)] string? Kind,
    [property: Id(5)] string? MicrotenantId,
    [property: Id(6)] string? IpAddress,
    [property: Id(7)] DateTimeOffset? CreatedAfter,
    [property: Id(8)] DateTimeOffset? CreatedBefore,
    [property: Id(9)] string? Sort,
    [property: Id(10)] int? PageSize);

/// <summary>One saved filter of one key: its name, its query, when it was first saved and last replaced.</summary>
[GenerateSerializer, Immutable]
public sealed record SavedFilter(
    [property: Id(0)] string Name,
    [property: Id(1)] SavedQuery Query,
    [property: Id(2)] DateTimeOffset CreatedAt,
    [property: Id(3)] DateTimeOffset UpdatedAt);
