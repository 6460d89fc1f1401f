using SessionGrains.SessionTable;

namespace SessionGrains.Grains.SessionTable;

/// <summary>
/// One page of a tenant's session table: the exact number of matches, the page's rows, and the
/// position of its last row when more matches follow it (null on the last page), for a cursor.
/// </summary>
public sealed record SessionTablePage(long Total, IReadOnlyList<SessionRow> Items, SessionPosition? Next)
{
    /// <summary>The total and the rows, for callers that do not page on.</summary>
    public void Deconstruct(out long total, out IReadOnlyList<SessionRow> items) => (total, items) = (Total, Items);
}
