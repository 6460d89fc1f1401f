using Npgsql;
using SessionGrains.Silo.Storage;

namespace SessionGrains.Tests.Unit;

/// <summary>The connection string the silo runs PostgreSQL with: statements prepared unless the operator said otherwise.</summary>
[Trait("Category", "Unit")]
public sealed class PostgresConnectionStringTests
{
    private static readonly PostgresStorage Postgres = new();

    [Fact]
    public void Statements_are_prepared_automatically_when_the_connection_string_does_not_say()
    {
        var tuned = new NpgsqlConnectionStringBuilder(Postgres.ForRuntime("Host=db;Database=sessiongrains;Username=sg;Password=secret"));

        Assert.Equal(64, tuned.MaxAutoPrepare);
        Assert.Equal(2, tuned.AutoPrepareMinUsages);
        Assert.Equal("db", tuned.Host);
        Assert.Equal("secret", tuned.Password);
    }

    [Theory]
    [InlineData("Host=db;Max Auto Prepare=0", 0)]
    [InlineData("Host=db;MaxAutoPrepare=5", 5)]
    public void A_connection_string_that_sets_auto_preparation_keeps_it(string configured, int expected) =>
        Assert.Equal(expected, new NpgsqlConnectionStringBuilder(Postgres.ForRuntime(configured)).MaxAutoPrepare);

    [Fact]
    public void SQLite_connection_strings_are_used_as_they_are() =>
        Assert.Equal("Data Source=data/x.db", new SqliteStorage().ForRuntime("Data Source=data/x.db"));
}
