using System.Data;
using System.Data.Common;
using SessionGrains.Silo.Storage;
using SessionGrains.Tests.Infrastructure;

namespace SessionGrains.Tests.Storage;

/// <summary>
/// PostgreSQL holds membership and reminders too: besides the shared schema tests, its scripts
/// apply concurrently, and the stored membership and reminder queries keep those providers' contracts.
/// </summary>
[Trait("Category", "Cluster")]
[Collection(PostgresCollection.Name)]
public sealed class PostgresSchemaTests(PostgresDatabases databases) : SchemaTests(databases)
{
    protected override IReadOnlyCollection<string> RequiredQueryKeys => OrleansQueryKeys.All;

    protected override string SessionsColumnsSql =>
        "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = 'sessions'";

    [Fact]
    public async Task Silos_starting_together_apply_the_schema_without_error()
    {
        var ct = Timeout;
        var db = await CreateDatabaseAsync(withSchema: false);

        // Without the advisory lock, concurrent CREATE TABLE IF NOT EXISTS races on the catalog.
        await Task.WhenAll(Enumerable.Range(0, 6).Select(_ => Task.Run(() => new PostgresStorage().ApplySchemaAsync(db.ConnectionString, ct), ct)));

        Assert.Equal(RequiredQueryKeys.Count, (await QueriesAsync(db, ct)).Count);
    }

    [Fact]
    public async Task Reminder_queries_version_rows_and_delete_only_the_held_version()
    {
        var ct = Timeout;
        var db = await CreateDatabaseAsync();
        var queries = await QueriesAsync(db, ct);
        var start = new DateTime(2026, 1, 2, 3, 4, 5, DateTimeKind.Utc);

        Task<object?[]> Upsert(string name, long period) => SingleOrNoRowAsync(db, queries["UpsertReminderRowKey"], ct, c =>
        {
            c.Add("ServiceId", DbType.String, "svc");
            c.Add("GrainHash", DbType.Int32, -100);
            c.Add("GrainId", DbType.AnsiString, "session/t-1");
            c.Add("ReminderName", DbType.String, name);
            c.Add("StartTime", DbType.DateTime, start);
            c.Add("Period", DbType.Int64, period);
        });
        Task<object?[]> Delete(int version) => SingleOrNoRowAsync(db, queries["DeleteReminderRowKey"], ct, c =>
        {
            c.Add("ServiceId", DbType.String, "svc");
            c.Add("GrainId", DbType.AnsiString, "session/t-1");
            c.Add("ReminderName", DbType.String, "r");
            c.Add("Version", DbType.Int32, version);
        });
        Task<object?[]> Range(string key, int begin, int end) => SingleOrNoRowAsync(db, queries[key], ct, c =>
        {
            c.Add("ServiceId", DbType.String, "svc");
            c.Add("BeginHash", DbType.Int32, begin);
            c.Add("EndHash", DbType.Int32, end);
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
        var db = await CreateDatabaseAsync();
        var queries = await QueriesAsync(db, ct);
        var started = new DateTime(2026, 11, 25, 12, 0, 0, DateTimeKind.Utc);
        const int Active = 3, Dead = 6;

        // Parameters typed as Orleans' DbStoredQueries.Columns binds them.
        Task<List<object?[]>> Run(string key, Action<DbCommand>? bind = null) => db.RowsAsync(queries[key], ct, c =>
        {
            c.Add("DeploymentId", DbType.String, "cluster-1");
            bind?.Invoke(c);
        });
        void Silo(DbCommand c)
        {
            c.Add("Address", DbType.AnsiString, "10.0.0.7");
            c.Add("Port", DbType.Int32, 11111);
            c.Add("Generation", DbType.Int32, 123456);
        }

        Action<DbCommand> Insert(int version) => c =>
        {
            Silo(c);
            c.Add("SiloName", DbType.String, "silo-a");
            c.Add("HostName", DbType.String, "host-a");
            c.Add("Status", DbType.Int32, Active);
            c.Add("ProxyPort", DbType.Int32, 30000);
            c.Add("StartTime", DbType.DateTime, started);
            c.Add("IAmAliveTime", DbType.DateTime, started);
            c.Add("Version", DbType.Int32, version);
        };
        Action<DbCommand> Update(int version, int status) => c =>
        {
            Silo(c);
            c.Add("Status", DbType.Int32, status);
            c.Add("SuspectTimes", DbType.String, null);
            c.Add("IAmAliveTime", DbType.DateTime, started.AddMinutes(1));
            c.Add("Version", DbType.Int32, version);
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
        Assert.Equal(Row("10.0.0.7", 30000, 123456), Assert.Single(await Run("GatewaysQueryKey", c => c.Add("Status", DbType.Int32, Active))));

        Assert.Equal(Row(0), Assert.Single(await Run("UpdateMembershipKey", Update(version: 0, Dead))));
        await Run("UpdateIAmAlivetimeKey", c => { Silo(c); c.Add("IAmAliveTime", DbType.DateTime, started.AddMinutes(2)); });
        Assert.Equal(started.AddMinutes(2), Assert.Single(await Run("MembershipReadRowKey", Silo))[10]);
        Assert.Equal(1, Assert.Single(await Run("MembershipReadRowKey", Silo))[11]);          // a heartbeat is not a change

        // An active silo survives the cleanup whatever its heartbeat; a dead one does not.
        Action<DbCommand> cleanup = c => c.Add("IAmAliveTime", DbType.DateTime, started.AddHours(1));
        await Run("CleanupDefunctSiloEntriesKey", cleanup);
        Assert.Equal(started, Assert.Single(await Run("MembershipReadAllKey"))[9]);
        Assert.Equal(Row(1), Assert.Single(await Run("UpdateMembershipKey", Update(version: 1, Dead))));
        Assert.Equal(Dead, Assert.Single(await Run("MembershipReadAllKey"))[6]);
        Assert.Empty(await Run("GatewaysQueryKey", c => c.Add("Status", DbType.Int32, Active)));
        await Run("CleanupDefunctSiloEntriesKey", cleanup);
        Assert.Equal(DBNull.Value, Assert.Single(await Run("MembershipReadAllKey"))[9]);

        await Run("DeleteMembershipTableEntriesKey");
        Assert.Empty(await Run("MembershipReadAllKey"));
    }
}
