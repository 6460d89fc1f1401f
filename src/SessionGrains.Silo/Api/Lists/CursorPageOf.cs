namespace SessionGrains.Silo.Api.Lists;

/// <summary>
/// A page of a list that also walks by keyset cursor: the list shape plus the cursor to the next
/// page, null on the last one.
/// </summary>
public sealed record CursorPageOf<T>(IReadOnlyList<T> Items, long Total, int Page, int PageSize, string? NextCursor);
