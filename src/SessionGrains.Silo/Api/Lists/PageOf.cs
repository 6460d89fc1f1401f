namespace SessionGrains.Silo.Api.Lists;

/// <summary>A page of a list with its exact total.</summary>
public sealed record PageOf<T>(IReadOnlyList<T> Items, long Total, int Page, int PageSize);
