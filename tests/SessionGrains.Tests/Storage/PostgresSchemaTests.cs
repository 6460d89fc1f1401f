using System.Data;
using System.Reflection;
using System.Text.RegularExpressions;
using Npgsql;
using Orleans.Configuration;
using Orleans.Storage;
using SessionGrains.Silo.Storage;
using SessionGrains.Tests.Infrastructure;

namespace SessionGrains.Tests.Storage;

/// <summary>
/// The project's own PostgreSQL scripts: they apply repeatedly and concurrently, hold every query
/// Orleans' providers ask for, and the stored queries keep the providers' contracts.
/// </summary>
[Collection(PostgresCollection.Name)]
public sealed class PostgresSchemaTests(PostgresDatabases databases) : IDisposable
{
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));

    /// <summary>Every key Orleans' clustering, reminder and persistence providers look up.</summary>
    public static readonly string[] RequiredQueryKeys =
    [
        // Orleans.Clustering.AdoNet
        "GatewaysQueryKey", "MembershipReadRowKey", "MembershipReadAllKey", "InsertMembershipVersionKey",
        "UpdateIAmAlivetimeKey", "InsertMembershipKey", "UpdateMembershipKey", "DeleteMembershipTableEntriesKey",
        "CleanupDefunctSiloEntriesKey",
        // Orleans.Reminders.AdoNet
        "ReadReminderRowsKey", "ReadRangeRows1Key", "ReadRangeRows2Key", "ReadReminderRowKey",
        "UpsertReminderRowKey", "DeleteReminderRowKey", "DeleteReminderRowsKey",
        // Orleans.Persistence.AdoNet
        "WriteToStorageKey", "ReadFromStorageKey", "ClearStorageKey", "DeleteStorageKey",
    ];

    private CancellationToken Timeout => _timeout.Token;

    public void Dispose() => _timeout.Dispose();

    [Fact]
    public async Task Applying_the_schema_twice_succeeds_and_stores_every_required_query()
    {
        var ct = Timeout;
        var cs = (await databases.CreateAsync(ct)).ConnectionString;
        var storage = new PostgresStorage();

        await storage.ApplySchemaAsync(cs, ct);
        var first = await QueriesAsync(cs, ct);
        await storage.ApplySchemaAsync(cs, ct);
        var second = await QueriesAsync(cs, ct);

        Assert.Equal(RequiredQueryKeys.Order(StringComparer.Ordinal), first.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(first, second);
        await storage.PingAsync(cs, ct);
    }

    [Fact]
    public void The_required_keys_are_the_ones_the_Orleans_providers_ask_for()
    {
        // Orleans checks the keys of clustering and reminders against the internal properties of
        // its DbStoredQueries, and persistence names its keys in one public query; reading both
        // makes an Orleans upgrade that needs a new query fail here, not at a silo's start.
        static IEnumerable<string> StoredQueryKeys(Type anchor, string typeName) =>
            anchor.Assembly.GetType(typeName, throwOnError: true)!
                .GetProperties(BindingFlags.Instance | BindingFlags.NonPublic)
                .Select(p => p.Name);

        var asked = StoredQueryKeys(typeof(AdoNetClusteringSiloOptions), "Orleans.Clustering.AdoNet.Storage.DbStoredQueries")
            .Concat(StoredQueryKeys(typeof(AdoNetReminderTableOptions), "Orleans.Reminders.AdoNet.Storage.DbStoredQueries"))
            .Concat(Regex.Matches(AdoNetGrainStorage.DefaultInitializationQuery, "'(\\w+)'").Select(m => m.Groups[1].Value));

        Assert.Equal(RequiredQueryKeys.Order(StringComparer.Ordinal), asked.Distinct().Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task Silos_starting_together_apply_the_schema_without_error()
    {
        var ct = Timeout;
        var cs = (await databases.CreateAsync(ct)).ConnectionString;

        // Without the advisory lock, concurrent CREATE TABLE IF NOT EXISTS races on the catalog.
        await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => new PostgresStorage().ApplySchemaAsync(cs, ct), ct)));

        Assert.Equal(RequiredQueryKeys.Length, (await QueriesAsync(cs, ct)).Count);
    }

    [Fact]
    public async Task A_newer_query_text_replaces_the_stored_one()
    {
        var ct = Timeout;
        var cs = (await databases.CreateAsync(ct)).ConnectionString;
        var storage = new PostgresStorage();
        await storage.ApplySchemaAsync(cs, ct);
        var original = (await QueriesAsync(cs, ct))["ReadFromStorageKey"];
        await ExecuteAsync(cs, "UPDATE OrleansQuery SET QueryText = 'SELECT 1' WHERE QueryKey = 'ReadFromStorageKey'", ct);

        await storage.ApplySchemaAsync(cs, ct);

        Assert.Equal(original, (await QueriesAsync(cs, ct))["ReadFromStorageKey"]);
    }

    [Fact]
    public async Task Grain_state_queries_keep_the_optimistic_version_contract()
    {
        var ct = Timeout;
        var cs = (await databases.CreateAsync(ct)).ConnectionString;
        await new PostgresStorage().ApplySchemaAsync(cs, ct);
        var queries = await QueriesAsync(cs, ct);

        // Parameters typed as Orleans' AdoNetGrainStorage binds them; a NULL extension string
        // (integer- and guid-keyed grains) is the case a plain unique index would get wrong.
        foreach (var extension in new[] { "tenant-a/s-1", null })
        {
            Task<object?[]> Run(string key, int? version, byte[]? payload = null) =>
                SingleOrNoRowAsync(cs, queries[key], ct, command =>
                {
                    Add(command, "GrainIdHash", DbType.Int32, 42);
                    Add(command, "GrainIdN0", DbType.Int64, 0L);
                    Add(command, "GrainIdN1", DbType.Int64, 7L);
                    Add(command, "GrainTypeHash", DbType.Int32, -5);
                    Add(command, "GrainTypeString", DbType.String, "SessionGrains.Grains.SessionGrain");
                    Add(command, "GrainIdExtensionString", DbType.String, extension);
                    Add(command, "ServiceId", DbType.String, "svc");
                    Add(command, "GrainStateVersion", DbType.Int32, version);
                    if (key == "WriteToStorageKey")
                    {
                        Add(command, "PayloadBinary", DbType.Binary, payload);
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

    [Fact]
    public async Task Reminder_queries_version_rows_and_delete_only_the_held_version()
    {
        var ct = Timeout;
        var cs = (await databases.CreateAsync(ct)).ConnectionString;
        await new PostgresStorage().ApplySchemaAsync(cs, ct);
        var queries = await QueriesAsync(cs, ct);
        var start = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);

        Task<object?[]> Upsert(string name, long period) => SingleOrNoRowAsync(cs, queries["UpsertReminderRowKey"], ct, c =>
        {
            Add(c, "ServiceId", DbType.String, "svc");
            Add(c, "GrainHash", DbType.Int32, -100);
            Add(c, "GrainId", DbType.AnsiString, "session/t-1");
            Add(c, "ReminderName", DbType.String, name);
            Add(c, "StartTime", DbType.DateTime, start);
            Add(c, "Period", DbType.Int64, period);
        });
        Task<object?[]> Delete(int version) => SingleOrNoRowAsync(cs, queries["DeleteReminderRowKey"], ct, c =>
        {
            Add(c, "ServiceId", DbType.String, "svc");
            Add(c, "GrainId", DbType.AnsiString, "session/t-1");
            Add(c, "ReminderName", DbType.String, "r");
            Add(c, "Version", DbType.Int32, version);
        });
        Task<object?[]> Range(string key, int begin, int end) => SingleOrNoRowAsync(cs, queries[key], ct, c =>
        {
            Add(c, "ServiceId", DbType.String, "svc");
            Add(c, "BeginHash", DbType.Int32, begin);
            Add(c, "EndHash", DbType.Int32, end);
        });

        Assert.Equal(Row(0), await Upsert("r", 60_000));
        Assert.Equal(Row(1), await Upsert("r", (long)int.MaxValue + 1));
        Assert.Equal(Row("session/t-1", "r", start, (long)int.MaxValue + 1, 1), await Range("ReadRangeRows1Key", -200, -100));
        Assert.Empty(await Range("ReadRangeRows1Key", -100, 0));
        Assert.Equal(1, (await Range("ReadRangeRows2Key", 0, -100))[4]);   // wraps round the ring
        Assert.Equal(Row(0), await Delete(0));
        Assert.Equal(Row(1), await Delete(1));
        Assert.Empty(await Range("ReadRangeRows2Key", 0, -100));
    }

    [Fact]
    public async Task Membership_queries_apply_changes_only_on_the_version_the_silo_read()
    {
        var ct = Timeout;
        var cs = (await databases.CreateAsync(ct)).ConnectionString;
        await new PostgresStorage().ApplySchemaAsync(cs, ct);
        var queries = await QueriesAsync(cs, ct);
        var started = new DateTime(2026, 11, 25, 12, 0, 0, DateTimeKind.Utc);
        const int Active = 3, Dead = 6;

        // Parameters typed as Orleans' DbStoredQueries.Columns binds them.
        Task<List<object?[]>> Run(string key, Action<NpgsqlCommand>? bind = null) => RowsAsync(cs, queries[key], ct, c =>
        {
            Add(c, "DeploymentId", DbType.String, "cluster-1");
            bind?.Invoke(c);
        });
        void Silo(NpgsqlCommand c)
        {
            Add(c, "Address", DbType.AnsiString, "10.0.0.7");
            Add(c, "Port", DbType.Int32, 11111);
            Add(c, "Generation", DbType.Int32, 123456);
        }

        Action<NpgsqlCommand> Insert(int version) => c =>
        {
            Silo(c);
            Add(c, "SiloName", DbType.String, "silo-a");
            Add(c, "HostName", DbType.String, "host-a");
            Add(c, "Status", DbType.Int32, Active);
            Add(c, "ProxyPort", DbType.Int32, 30000);
            Add(c, "StartTime", DbType.DateTime, started);
            Add(c, "IAmAliveTime", DbType.DateTime, started);
            Add(c, "Version", DbType.Int32, version);
        };
        Action<NpgsqlCommand> Update(int version, int status) => c =>
        {
            Silo(c);
            Add(c, "Status", DbType.Int32, status);
            Add(c, "SuspectTimes", DbType.String, null);
            Add(c, "IAmAliveTime", DbType.DateTime, started.AddMinutes(1));
            Add(c, "Version", DbType.Int32, version);
        };

        Assert.Equal(Row(1), Assert.Single(await Run("InsertMembershipVersionKey")));
        Assert.Equal(Row(0), Assert.Single(await Run("InsertMembershipVersionKey")));
        var empty = Assert.Single(await Run("MembershipReadAllKey"));
        Assert.Equal(Row("cluster-1", null, null, null, null, null, null, null, null, null, null, 0).Select(v => v ?? DBNull.Value), empty);

        Assert.Equal(Row(0), Assert.Single(await Run("InsertMembershipKey", Insert(version: 5))));
        Assert.Equal(Row(1), Assert.Single(await Run("InsertMembershipKey", Insert(version: 0))));
        Assert.Equal(Row(0), Assert.Single(await Run("InsertMembershipKey", Insert(version: 1))));   // already listed
        var row = Assert.Single(await Run("MembershipReadRowKey", Silo));
        Assert.Equal(Row("cluster-1", "10.0.0.7", 11111, 123456, "silo-a", "host-a", Active, 30000, DBNull.Value, started, started, 1), row);
        Assert.Equal(Row("10.0.0.7", 30000, 123456), Assert.Single(await Run("GatewaysQueryKey", c => Add(c, "Status", DbType.Int32, Active))));

        Assert.Equal(Row(0), Assert.Single(await Run("UpdateMembershipKey", Update(version: 0, Dead))));
        await Run("UpdateIAmAlivetimeKey", c => { Silo(c); Add(c, "IAmAliveTime", DbType.DateTime, started.AddMinutes(2)); });
        Assert.Equal(started.AddMinutes(2), Assert.Single(await Run("MembershipReadRowKey", Silo))[10]);
        Assert.Equal(1, Assert.Single(await Run("MembershipReadRowKey", Silo))[11]);          // a heartbeat is not a change

        // An active silo survives the cleanup whatever its heartbeat; a dead one does not.
        Action<NpgsqlCommand> cleanup = c => Add(c, "IAmAliveTime", DbType.DateTime, started.AddHours(1));
        await Run("CleanupDefunctSiloEntriesKey", cleanup);
        Assert.Equal(started, Assert.Single(await Run("MembershipReadAllKey"))[9]);
        Assert.Equal(Row(1), Assert.Single(await Run("UpdateMembershipKey", Update(version: 1, Dead))));
        Assert.Equal(Dead, Assert.Single(await Run("MembershipReadAllKey"))[6]);
        Assert.Empty(await Run("GatewaysQueryKey", c => Add(c, "Status", DbType.Int32, Active)));
        await Run("CleanupDefunctSiloEntriesKey", cleanup);
        Assert.Equal(DBNull.Value, Assert.Single(await Run("MembershipReadAllKey"))[9]);

        await Run("DeleteMembershipTableEntriesKey");
        Assert.Empty(await Run("MembershipReadAllKey"));
    }

    private static object?[] Row(params object?[] values) => values;

    private static void Add(NpgsqlCommand command, string name, DbType type, object? value) =>
        command.Parameters.Add(new NpgsqlParameter(name, type) { Value = value ?? DBNull.Value });

    // Returns the one row's values, or an empty array for no row; more than one row fails.
    private static async Task<object?[]> SingleOrNoRowAsync(
        string cs, string sql, CancellationToken ct, Action<NpgsqlCommand> bind) =>
        Assert.Single((await RowsAsync(cs, sql, ct, bind)).DefaultIfEmpty([]));

    // Every row of every result set, as Orleans' RelationalStorage reads them.
    private static async Task<List<object?[]>> RowsAsync(
        string cs, string sql, CancellationToken ct, Action<NpgsqlCommand> bind)
    {
        await using var connection = new NpgsqlConnection(cs);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        bind(command);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var rows = new List<object?[]>();
        do
        {
            while (await reader.ReadAsync(ct))
            {
                var values = new object[reader.FieldCount];
                reader.GetValues(values);
                rows.Add(values);
            }
        }
        while (await reader.NextResultAsync(ct));

        return rows;
    }

    private static async Task<Dictionary<string, string>> QueriesAsync(string cs, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(cs);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand("SELECT QueryKey, QueryText FROM OrleansQuery", connection);
        await using var reader = await command.ExecuteReaderAsync(ct);
        var queries = new Dictionary<string, string>();
        while (await reader.ReadAsync(ct))
        {
            queries.Add(reader.GetString(0), reader.GetString(1));
        }

        return queries;
    }

    private static async Task ExecuteAsync(string cs, string sql, CancellationToken ct)
    {
        await using var connection = new NpgsqlConnection(cs);
        await connection.OpenAsync(ct);
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(ct);
    }
}
