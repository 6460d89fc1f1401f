// The session-table benchmark: one tenant with a million sessions (see docs/benchmarks.md).
//
// 1. Starts the real host (SiloApp) on a fresh SQLite file, creates the tenant over HTTP, stops it.
// 2. Bulk-inserts the sessions into the real Sessions table (valid SessionState blobs), with no
//    session table shard active, so the table the host builds on restart is the real one, from the rows.
// 3. With --restarts N, restarts the host on that file N times and times how soon the table
//    answers a page with its exact total and the stats (--restart-only stops there).
// 4. Restarts the host on that file and measures, over HTTP on loopback: the first query (which
//    loads every shard), the GC heap before and after, a few hundred varied pages, stats, user
//    logout and denylist of users with 100 sessions, and tenant logout-all.
// With --console, step 4 is the web console in Chromium instead (ConsoleMeasurements.cs); with
// --backchannel URL, a logout-all with every client telling URL (BackchannelMeasurements.cs).
using System.Diagnostics;
using System.Globalization;
using SessionGrains.Bench.SessionTable;

var options = BenchOptions.Parse(args);
var workDir = Path.Combine(Path.GetTempPath(), "sessiongrains-bench", Guid.NewGuid().ToString("N"));
Directory.CreateDirectory(workDir);
await using var database = options.Provider == "postgres"
    ? await BenchDatabase.PostgresAsync(Environment.GetEnvironmentVariable("BENCH_POSTGRES")
        ?? throw new InvalidOperationException("--provider postgres needs BENCH_POSTGRES (bench/session-table.sh sets it from scripts/postgres.sh)."))
    : BenchDatabase.Sqlite(Path.Combine(workDir, "bench.db"));
database.Keep = options.KeepDatabase;
var report = new Report(options);

// A mode's figures: printed, and written to --output when given.
async Task WriteAsync(string markdown)
{
    Console.WriteLine();
    Console.WriteLine(markdown);
    if (options.Output is { } output)
    {
        await File.WriteAllTextAsync(output, markdown);
        Console.WriteLine($"Written to {output}");
    }
}
var total = Stopwatch.StartNew();
try
{
    Console.WriteLine($"Session-table benchmark: {options.Sessions:N0} sessions, {options.Shards} shards, database {database.Description}");

    int shards;
    await using (var host = await BenchHost.StartAsync(database, options.Shards))
    {
        shards = await host.Api.CreateTenantAsync(Seeder.TenantId, Seeder.Microtenants);
    }

    Console.WriteLine($"Tenant '{Seeder.TenantId}' created with {shards} session table shards; host stopped.");
    var seeding = Stopwatch.StartNew();
    var seeded = Seeder.Seed(database, options.Sessions, shards, options.Seed);
    seeding.Stop();
    report.SeedSeconds = seeding.Elapsed.TotalSeconds;
    report.DatabaseBytes = database.Bytes();
    Console.WriteLine($"Seeded {options.Sessions:N0} rows in {seeding.Elapsed.TotalSeconds:F1} s ({report.DatabaseBytes / 1e6:F0} MB).");

    if (options.Backchannel is { } receiver)
    {
        // The back-channel logout benchmark: the host on the seeded file, every shard loaded first.
        await using var backchannelHost = await BenchHost.StartAsync(database, options.Shards);
        await new Measurements(backchannelHost, seeded, options, report).LoadAsync();
        var backchannel = new BackchannelMeasurements(backchannelHost, database, seeded, receiver);
        await WriteAsync(await backchannel.RunAsync());
        return backchannel.Met ? 0 : 2;
    }

    if (options.Console)
    {
        // The console benchmark: the host on the seeded file, every shard loaded first, then Chromium.
        await using var consoleHost = await BenchHost.StartAsync(database, options.Shards);
        await new Measurements(consoleHost, seeded, options, report).LoadAsync();
        var figures = await new ConsoleMeasurements(consoleHost, seeded, options).RunAsync();
        await WriteAsync(figures.ToMarkdown(ConsoleMeasurements.BrowserVersion()));
        return figures.AllMet ? 0 : 2;
    }

    report.Restarts = await new RestartMeasurements(database, seeded, options).RunAsync();
    if (options.RestartOnly)
    {
        Console.WriteLine(report.RestartsMarkdown());
        return report.RestartMet ? 0 : 2;
    }

    await using (var host = await BenchHost.StartAsync(database, options.Shards))
    {
        await new Measurements(host, seeded, options, report).RunAsync();
    }

    report.TotalSeconds = total.Elapsed.TotalSeconds;
    var markdown = report.ToMarkdown();
    Console.WriteLine();
    Console.WriteLine(markdown);
    if (report.Restarts.Count > 0)
    {
        Console.WriteLine(report.RestartsMarkdown());
    }
    if (options.Output is { } output)
    {
        await File.WriteAllTextAsync(output, markdown);
        Console.WriteLine($"Written to {output}");
    }

    return report.AllMet ? 0 : 2;
}
finally
{
    Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
    if (!options.KeepDatabase)
    {
        try
        {
            Directory.Delete(workDir, recursive: true);
        }
        catch (IOException ex)
        {
            Console.Error.WriteLine($"Could not delete {workDir}: {ex.Message}");
        }
    }
    else
    {
        Console.WriteLine($"Database kept: {database.Description}");
    }

    Console.WriteLine($"Total time {total.Elapsed.TotalSeconds.ToString("F0", CultureInfo.InvariantCulture)} s.");
}
