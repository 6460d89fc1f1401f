using System.Data;
using System.Data.Common;
using SessionGrains.Silo.SessionTable;
using SessionGrains.Tests.Infrastructure;

namespace SessionGrains.Tests.Storage;

/// <summary>
/// The project's own schema scripts on each provider: they apply repeatedly, store every query
/// Orleans' providers ask of that database, a newer query text replaces the stored one, and the
/// stored grain-state queries keep the persistence provider's contract.
/// </summary>
public abstract class SchemaTests(ITestDatabases databases) : IDisposable
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));

    protected CancellationToken Timeout => _timeout.Token;

    /// <summary>The keys Orleans' providers look up in this database.</summary>
    protected abstract IReadOnlyCollection<string> RequiredQueryKeys { get; }

    /// <summary>A query of this database's catalog for the names of the <c>Sessions</c> table's columns.</summary>
    protected abstract string SessionsColumnsSql { get; }

    public void Dispose() => _timeout.Dispose();

    /// <summary>A fresh database, with the schema applied when <paramref name="withSchema"/>.</summary>
    protected async Task<TestDatabase> CreateDatabaseAsync(bool withSchema = true)
    {
        var database = await databases.CreateAsync(Timeout);
        if (withSchema)
        {
            await database.CreateProvider().ApplySchemaAsync(database.ConnectionString, Timeout);
        }

        return database;
    }

    [Fact]
    public async Task Applying_the_schema_twice_succeeds_and_stores_every_required_query()
    {
        var ct = Timeout;
        var db = await CreateDatabaseAsync(withSchema: false);
        var storage = db.CreateProvider();

        await storage.ApplySchemaAsync(db.ConnectionString, ct);
        var first = await QueriesAsync(db, ct);
        await storage.ApplySchemaAsync(db.ConnectionString, ct);
        var second = await QueriesAsync(db, ct);

        Assert.Equal(RequiredQueryKeys.Order(StringComparer.Ordinal), first.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(first, second);
        await storage.PingAsync(db.ConnectionString, ct);
    }

    [Fact]
    public async Task The_session_table_has_exactly_the_mapped_columns()
    {
        var db = await CreateDatabaseAsync();

        var columns = await db.RowsAsync(SessionsColumnsSql, Timeout, _ => { });

        // A column added to the map and forgotten in a script (or the other way round) fails here.
        Assert.Equal(
            SessionColumns.All.Select(c => c.Name).Append(SessionColumns.Changed).Select(c => c.ToLowerInvariant()).Order(StringComparer.Ordinal),
            columns.Select(c => ((string)c[0]!).ToLowerInvariant()).Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_session_table_made_before_change_numbers_gets_them_at_the_next_start()
    {
        var db = await CreateDatabaseAsync();
        await db.ExecuteAsync("DROP INDEX IX_Sessions_ShardChanges", Timeout);
        await db.ExecuteAsync($"ALTER TABLE Sessions DROP COLUMN {SessionColumns.Changed}", Timeout);

        await db.CreateProvider().ApplySchemaAsync(db.ConnectionString, Timeout);

        var columns = await db.RowsAsync(SessionsColumnsSql, Timeout, _ => { });
        Assert.Contains(columns, c => string.Equals((string)c[0]!, SessionColumns.Changed, StringComparison.OrdinalIgnoreCase));
    }

    [Fact]
    public async Task A_newer_query_text_replaces_the_stored_one()
    {
        var ct = Timeout;
        var db = await CreateDatabaseAsync(withSchema: false);
        var storage = db.CreateProvider();
        await storage.ApplySchemaAsync(db.ConnectionString, ct);
        var original = (await QueriesAsync(db, ct))["ReadFromStorageKey"];
        await db.ExecuteAsync("UPDATE OrleansQuery SET QueryText = 'SELECT 1' WHERE QueryKey = 'ReadFromStorageKey'", ct);

        await storage.ApplySchemaAsync(db.ConnectionString, ct);

        Assert.Equal(original, (await QueriesAsync(db, ct))["ReadFromStorageKey"]);
    }

    [Fact]
    public async Task Grain_state_queries_keep_the_optimistic_version_contract()
    {
        var ct = Timeout;
        var db = await CreateDatabaseAsync();
        var queries = await QueriesAsync(db, ct);

        // Parameters typed as Orleans' AdoNetGrainStorage binds them; a NULL extension string
        // (integer- and guid-keyed grains) is the case a plain unique index would get wrong.
        foreach (var extension in new[] { "tenant-a/s-1", null })
        {
            Task<object?[]> Run(string key, int? version, byte[]? payload = null) =>
                SingleOrNoRowAsync(db, queries[key], ct, command =>
                {
                    command.Add("GrainIdHash", DbType.Int32, 42);
                    command.Add("GrainIdN0", DbType.Int64, 0L);
                    command.Add("GrainIdN1", DbType.Int64, 7L);
                    command.Add("GrainTypeHash", DbType.Int32, -5);
                    command.Add("GrainTypeString", DbType.String, "SessionGrains.Grains.SessionGrain");
                    command.Add("GrainIdExtensionString", DbType.String, extension);
                    command.Add("ServiceId", DbType.String, "svc");
                    command.Add("GrainStateVersion", DbType.Int32, version);
                    if (key == "WriteToStorageKey")
                    {
                        command.Add("PayloadBinary", DbType.Binary, payload);
                    }
                });

            Assert.Empty(await Run("ReadFromStorageKey", null));
            Assert.Equal(Row(1), await Run("WriteToStorageKey", null, [1]));
            Assert.Empty(await Run("WriteToStorageKey", null, [9]));      // a second "first write" loses
            Assert.Equal(Row(2), await Run("WriteToStorageKey", 1, [2]));
            Assert.Empty(await Run("WriteToStorageKey", 1, [9]));         // a stale version loses
            Assert.Equal(Row(new byte[] { 2 }, 2), await Run("ReadFromStorageKey", null));
            Assert.Empty(await Run("ClearStorageKey", 1));
            Assert.Equal(Row(3), await Run("ClearStorageKey", 2));
            Assert.Equal(Row(DBNull.Value, 3), await Run("ReadFromStorageKey", null));
            Assert.Empty(await Run("DeleteStorageKey", 2));
            Assert.Equal(Row(4), await Run("DeleteStorageKey", 3));
            Assert.Empty(await Run("ReadFromStorageKey", null));
        }
    }

    /// <summary>A row as this provider's driver reads it back.</summary>
    protected virtual object?[] Row(params object?[] values) => values;

    // Returns the one row's values, or an empty array for no row; more than one row fails.
    protected static async Task<object?[]> SingleOrNoRowAsync(
        TestDatabase db, string sql, CancellationToken ct, Action<DbCommand> bind) =>
        Assert.Single((await db.RowsAsync(sql, ct, bind)).DefaultIfEmpty([]));

    protected static async Task<Dictionary<string, string>> QueriesAsync(TestDatabase db, CancellationToken ct)
    {
        var queries = new Dictionary<string, string>();
        foreach (var row in await db.RowsAsync("SELECT QueryKey, QueryText FROM OrleansQuery", ct, _ => { }))
        {
            queries.Add((string)row[0]!, (string)row[1]!);
        }

        return queries;
    }
}

/// <summary>SQLite holds grain state only: membership is the single silo's own.</summary>
[Trait("Category", "Cluster")]
public sealed class SqliteSchemaTests(SqliteDatabases databases) : SchemaTests(databases), IClassFixture<SqliteDatabases>
{
    protected override IReadOnlyCollection<string> RequiredQueryKeys => OrleansQueryKeys.Persistence;

    protected override string SessionsColumnsSql => "SELECT name FROM pragma_table_info('Sessions')";

    /// <summary>SQLite hands every integer back as a 64-bit one.</summary>
    protected override object?[] Row(params object?[] values) =>
        values.Select(v => v is int i ? (long)i : v).ToArray();
}
