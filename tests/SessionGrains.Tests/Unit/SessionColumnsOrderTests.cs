using SessionGrains.SessionTable;
using SessionGrains.Silo.SessionTable;

namespace SessionGrains.Tests.Unit;

/// <summary>The map of the session table's columns reads into <see cref="SessionRow"/> by position.</summary>
[Trait("Category", "Unit")]
public sealed class SessionColumnsOrderTests
{
    [Fact]
    public void The_row_columns_stand_in_the_order_of_SessionRow()
    {
        var parameters = typeof(SessionRow).GetConstructors().Single().GetParameters().Select(p => p.Name);

        Assert.Equal(parameters, SessionColumns.Row.Select(c => c.Name));
    }
}
