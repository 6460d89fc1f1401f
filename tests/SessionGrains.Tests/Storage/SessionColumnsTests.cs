using Microsoft.Data.Sqlite;
using Npgsql;
using SessionGrains.SessionTable;
using SessionGrains.Silo.SessionTable;
using SessionGrains.Silo.Storage;
using SessionGrains.Tests.Infrastructure;

namespace SessionGrains.Tests.Storage;

/// <summary>The map of the session table's columns reads into <see cref="SessionRow"/> by position.</summary>
public sealed class SessionColumnsOrderTests
{
    [Fact]
    public void The_row_columns_stand_in_the_order_of_SessionRow()
    {
        var parameters = typeof(SessionRow).GetConstructors().Single().GetParameters().Select(p => p.Name);

        Assert.Equal(parameters, SessionColumns.Row.Select(c => c.Name));
    }
}

/// <summary>
/// The one map of the session table's columns agrees with each database's schema, so a column
/// added in one place and forgotten in another fails here.
/// </summary>
public abstract class SessionColumnsTests : IAsyncLifetime
{
    protected abstract Task<IReadOnlyList<string>> TableColumnsAsync();

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task The_schema_has_exactly_the_mapped_columns()
    {
        var table = await TableColumnsAsync();

        Assert.Equal(
            SessionColumns.All.Select(c => c.Name.ToLowerInvariant()).Order(StringComparer.Ordinal),
            table.Select(c => c.ToLowerInvariant()).Order(StringComparer.Ordinal));
    }
}

public sealed class SqliteSessionColumnsTests : SessionColumnsTests
{
    private readonly SiloSettings _database = SiloSettings.Fresh();

    protected override async Task<IReadOnlyList<string>> TableColumnsAsync()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(_database.DatabasePath)!);
        var connectionString = $"Data Source={_database.DatabasePath}";
        await new SqliteStorage().ApplySchemaAsync(connectionString, CancellationToken.None);
        await using var connection = new SqliteConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new SqliteCommand("SELECT name FROM pragma_table_info('Sessions')", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var names = new List<string>();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }

    public override Task DisposeAsync()
    {
        _database.DeleteDatabase();
        return Task.CompletedTask;
    }
}

[Collection(PostgresCollection.Name)]
public sealed class PostgresSessionColumnsTests(PostgresServerFixture server) : SessionColumnsTests
{
    protected override async Task<IReadOnlyList<string>> TableColumnsAsync()
    {
        var connectionString = await server.CreateDatabaseAsync(CancellationToken.None);
        await new PostgresStorage().ApplySchemaAsync(connectionString, CancellationToken.None);
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'sessions'", connection);
        await using var reader = await command.ExecuteReaderAsync();
        var names = new List<string>();
        while (await reader.ReadAsync())
        {
            names.Add(reader.GetString(0));
        }

        return names;
    }
}
