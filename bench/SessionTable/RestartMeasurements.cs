using System.Diagnostics;
using System.Net;

namespace SessionGrains.Bench.SessionTable;

/// <summary>One restart: from starting the host to ready, and from ready to the table's first full answer.</summary>
public sealed record RestartFigures(double StartSeconds, double AnswerSeconds, double ProcessCpuSeconds)
{
    public double TotalSeconds => StartSeconds + AnswerSeconds;
}

/// <summary>
/// Restarts the host on the seeded database, as many times as asked, and times how soon the
/// tenant's table answers: a page with its exact total and the stats, both asked as soon as the
/// host is ready (the first activates every shard, which loads its rows), retried while they
/// answer 503. Each restart is a new host on the same file, so every shard loads from the rows.
/// </summary>
public sealed class RestartMeasurements(BenchDatabase database, Seeded seeded, BenchOptions options)
{
    private const string Tenant = Seeder.TenantId;

    public async Task<IReadOnlyList<RestartFigures>> RunAsync()
    {
        var figures = new List<RestartFigures>();
        for (var run = 0; run < options.Restarts; run++)
        {
            var cpu = Process.GetCurrentProcess().TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            await using var host = await BenchHost.StartAsync(database, options.Shards, logShardLoads: true);
            var started = clock.Elapsed.TotalSeconds;
            clock.Restart();
            var answers = await Task.WhenAll(
                AnsweredAsync(host.Api, $"/api/v1/tenants/{Tenant}/sessions?pageSize=10", clock),
                AnsweredAsync(host.Api, $"/api/v1/tenants/{Tenant}/sessions/stats", clock));
            var answered = clock.Elapsed.TotalSeconds;
            var total = answers[0].Json["total"]!.GetValue<long>();
            var statsTotal = answers[1].Json["total"]!.GetValue<long>();
            if (total != seeded.Sessions || statsTotal != seeded.Sessions)
            {
                throw new InvalidOperationException($"After restart {run + 1} the table lists {total} sessions and the stats count {statsTotal}; {seeded.Sessions} were seeded.");
            }

            var figure = new RestartFigures(started, answered, (Process.GetCurrentProcess().TotalProcessorTime - cpu).TotalSeconds);
            figures.Add(figure);
            Console.WriteLine($"Restart {run + 1}: ready after {figure.StartSeconds:F1} s, page with total and stats {figure.AnswerSeconds:F1} s later " +
                $"(CPU of the process {figure.ProcessCpuSeconds:F1} s); load average {Report.LoadAverage}");
        }

        return figures;
    }

    private static async Task<ApiResponse> AnsweredAsync(BenchApi api, string path, Stopwatch clock)
    {
        while (true)
        {
            var response = await api.GetAsync(path);
            if (response.Status == HttpStatusCode.OK)
            {
                return response;
            }

            // A grain call can time out while the shards are still loading; they keep loading.
            Console.WriteLine($"  {path} answered {(int)response.Status} after {clock.Elapsed.TotalSeconds:F1} s; retrying");
            if (clock.Elapsed > TimeSpan.FromMinutes(10))
            {
                throw new TimeoutException("The shards did not load in 10 minutes.");
            }
        }
    }
}
