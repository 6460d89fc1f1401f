using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Storage;
using SessionGrains.Grains.SessionTable;
using SessionGrains.SessionTable;
using SessionGrains.Sessions;
using SessionGrains.Silo.SessionTable;
using SessionGrains.Tests.Infrastructure;

namespace SessionGrains.Tests.Storage;

/// <summary>
/// The session table store on each real database: versions guard every write, a group commit
/// stores all of its writes or reports each failure to its own writer, and shards read back
/// exactly their rows.
/// </summary>
public abstract class SessionRowStoreTests(ITestDatabases databases) : IAsyncLifetime
{
    private readonly string _tenant = TestData.Id("rows");

    private TestDatabase _database = null!;

    protected SessionRowStore Store { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var database = _database = await databases.CreateAsync(CancellationToken.None);
        var storage = database.CreateProvider();
        await storage.ApplySchemaAsync(database.ConnectionString, CancellationToken.None);
        Store = storage.CreateSessionRowStore(database.ConnectionString, NullLoggerFactory.Instance);
    }

    public async Task DisposeAsync() => await Store.DisposeAsync();

    private SessionRecord Row(string sessionId, long version, int shard = 0, SessionStatus status = SessionStatus.Active) => new(
        _tenant, shard,
        new SessionRow(
            sessionId, "ada", "ada@acme.test", "Chrome", SessionKind.User, null, "portal", "browser", "okta", "203.0.113.7",
            "Mozilla/5.0", "emea", status, DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123),
            DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_100_456), DateTimeOffset.FromUnixTimeMilliseconds(1_700_036_000_123), 1800,
            status == SessionStatus.Active ? null : DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_200_000),
            status == SessionStatus.Active ? null : EndReason.UserLogout, version),
        [1, 2, 3, (byte)version]);

    [Fact]
    public async Task The_tenant_version_reads_back_and_a_row_stored_before_the_column_existed_reads_as_0()
    {
        var old = Row("old", 1);
        await Store.WriteAsync(old with { Row = old.Row with { TenantVersion = 7 } }, null, CancellationToken.None);
        // The table as a database from before the column has it; applying the schema (every start) adds it back.
        await _database.ExecuteAsync("ALTER TABLE Sessions DROP COLUMN TenantVersion", CancellationToken.None);
        await _database.CreateProvider().ApplySchemaAsync(_database.ConnectionString, CancellationToken.None);
        var current = Row("new", 1);
        await Store.WriteAsync(current with { Row = current.Row with { TenantVersion = 9 } }, null, CancellationToken.None);

        var rows = new Dictionary<string, SessionRow>();
        await foreach (var row in Store.ReadShardAsync(_tenant, 0, new StringPool(), CancellationToken.None))
        {
            rows.Add(row.SessionId, row);
        }

        Assert.Equal(old.Row with { TenantVersion = 0 }, rows["old"]);
        Assert.Equal(current.Row with { TenantVersion = 9 }, rows["new"]);
    }

    [Fact]
    public async Task A_written_row_reads_back_with_its_version()
    {
        await Store.WriteAsync(Row("s1", 1), null, CancellationToken.None);

        var stored = await Store.ReadAsync(_tenant, "s1", CancellationToken.None);

        Assert.Equal(1, stored!.Version);
        Assert.Equal([1, 2, 3, 1], stored.State);
        Assert.Null(await Store.ReadAsync(_tenant, "s2", CancellationToken.None));
    }

    [Fact]
    public async Task Writes_must_hold_the_current_version()
    {
        await Store.WriteAsync(Row("s1", 1), null, CancellationToken.None);

        await Assert.ThrowsAsync<InconsistentStateException>(() => Store.WriteAsync(Row("s1", 1), null, CancellationToken.None));
        await Assert.ThrowsAsync<InconsistentStateException>(() => Store.WriteAsync(Row("s1", 3), 2, CancellationToken.None));
        await Store.WriteAsync(Row("s1", 2, status: SessionStatus.Terminated), 1, CancellationToken.None);

        Assert.Equal(2, (await Store.ReadAsync(_tenant, "s1", CancellationToken.None))!.Version);
    }

    [Fact]
    public async Task A_stale_write_in_a_group_fails_alone()
    {
        await Store.WriteAsync(Row("stale", 1), null, CancellationToken.None);

        var writes = Enumerable.Range(0, 200).Select(i => Store.WriteAsync(Row($"s{i}", 1, shard: i % 4), null, CancellationToken.None)).ToList();
        var stale = Store.WriteAsync(Row("stale", 6), 5, CancellationToken.None);
        await Task.WhenAll(writes);

        await Assert.ThrowsAsync<InconsistentStateException>(() => stale);
        for (var i = 0; i < 200; i++)
        {
            Assert.NotNull(await Store.ReadAsync(_tenant, $"s{i}", CancellationToken.None));
        }
    }

    [Fact]
    public async Task A_shard_reads_back_exactly_its_rows_and_their_columns()
    {
        for (var i = 0; i < 20; i++)
        {
            await Store.WriteAsync(Row($"s{i}", 1, shard: i % 2), null, CancellationToken.None);
        }

        await Store.WriteAsync(Row("s0", 2, shard: 0, status: SessionStatus.Terminated), 1, CancellationToken.None);

        var shard = new List<SessionRow>();
        await foreach (var summary in Store.ReadShardAsync(_tenant, 0, new StringPool(), CancellationToken.None))
        {
            shard.Add(summary);
        }

        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"s{i * 2}").Order(), shard.Select(s => s.SessionId).Order());
        Assert.Equal(Row("s0", 2, status: SessionStatus.Terminated).Row, shard.Single(s => s.SessionId == "s0"));
        Assert.Equal(Row("s2", 1).Row, shard.Single(s => s.SessionId == "s2"));
    }

    [Fact]
    public async Task A_shards_load_reads_every_row_as_written_with_its_repeated_strings_shared()
    {
        // Every nullable column null in some rows, text outside ASCII, and values repeated across rows.
        var written = new List<SessionRow>();
        for (var i = 0; i < 300; i++)
        {
            var bare = i % 3 == 0;
            var row = Row($"s{i}", 1 + (i % 4), shard: i % 2, status: i % 5 == 0 ? SessionStatus.Terminated : SessionStatus.Active).Row with
            {
                UserId = $"user-{i % 7}",
                UserEmail = bare ? null : $"Åsa.{i % 7}@straße.test",
                SessionName = bare ? null : "Firefox on Ωmega",
                ApiKeyName = bare ? null : $"key {i % 2}",
                ClientType = bare ? null : "browser",
                IdentityProvider = bare ? null : "okta",
                UserAgent = bare ? null : "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/133.0 — ✓",
                MicrotenantId = bare ? null : "emea",
                ExpiresAt = bare ? null : DateTimeOffset.FromUnixTimeMilliseconds(1_700_036_000_000 + i),
                TenantVersion = i,
            };
            await Store.WriteAsync(new SessionRecord(_tenant, i % 2, row, [1]), null, CancellationToken.None);
            written.Add(row);
        }

        var strings = new StringPool();
        var read = new List<SessionRow>();
        await foreach (var row in Store.ReadShardAsync(_tenant, 0, strings, CancellationToken.None))
        {
            read.Add(row);
        }

        var expected = written.Where((_, i) => i % 2 == 0).ToList();
        Assert.Equal(expected.Count, await Store.CountShardAsync(_tenant, 0, CancellationToken.None));
        Assert.Equal(expected.OrderBy(r => r.SessionId, StringComparer.Ordinal), read.OrderBy(r => r.SessionId, StringComparer.Ordinal));

        // One instance per distinct value, taken from the pool the shard passed.
        var agents = read.Where(r => r.UserAgent is not null).Select(r => r.UserAgent).ToList();
        Assert.True(agents.Count > 1);
        Assert.All(agents, a => Assert.Same(agents[0], a));
        Assert.All(read, r => Assert.Same(strings.Intern(r.UserId), r.UserId));
    }

    private async Task<List<string>> ChangedSinceAsync(int shard, long since)
    {
        var ids = new List<string>();
        await foreach (var row in Store.ReadShardChangesAsync(_tenant, shard, since, CancellationToken.None))
        {
            ids.Add(row.SessionId);
        }

        return ids;
    }

    [Fact]
    public async Task A_shard_reads_back_the_rows_written_since_a_watermark_and_no_others()
    {
        await Store.WriteAsync(Row("old", 1), null, CancellationToken.None);
        var before = await Store.ChangeWatermarkAsync(_tenant, 0, CancellationToken.None);

        await Task.WhenAll(
            Store.WriteAsync(Row("new", 1), null, CancellationToken.None),
            Store.WriteAsync(Row("other-shard", 1, shard: 1), null, CancellationToken.None));
        var after = await Store.ChangeWatermarkAsync(_tenant, 0, CancellationToken.None);

        // Rows read before may come again (on PostgreSQL while any older transaction of the server
        // runs), so the promise is that nothing written after a watermark is missed.
        var since = await ChangedSinceAsync(0, before);
        Assert.Contains("new", since);
        Assert.DoesNotContain("other-shard", since);

        // An update is a change too: the row comes again, with its new version.
        await Store.WriteAsync(Row("old", 2, status: SessionStatus.Terminated), 1, CancellationToken.None);
        var changed = new List<SessionRow>();
        await foreach (var row in Store.ReadShardChangesAsync(_tenant, 0, after, CancellationToken.None))
        {
            changed.Add(row);
        }

        Assert.Equal(2, changed.Single(r => r.SessionId == "old").Version);
    }

    [Fact]
    public async Task Deleted_rows_are_gone()
    {
        await Store.WriteAsync(Row("s1", 1), null, CancellationToken.None);
        await Store.WriteAsync(Row("s2", 1), null, CancellationToken.None);

        await Store.DeleteAsync(_tenant, ["s1"], CancellationToken.None);

        Assert.Null(await Store.ReadAsync(_tenant, "s1", CancellationToken.None));
        Assert.NotNull(await Store.ReadAsync(_tenant, "s2", CancellationToken.None));
    }
}

[Trait("Category", "Cluster")]
public sealed class SqliteSessionRowStoreTests(SqliteDatabases databases) : SessionRowStoreTests(databases), IClassFixture<SqliteDatabases>;

[Trait("Category", "Cluster")]
[Collection(PostgresCollection.Name)]
public sealed class PostgresSessionRowStoreTests(PostgresDatabases databases) : SessionRowStoreTests(databases);
