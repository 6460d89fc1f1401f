using System.Globalization;
using System.Net;

namespace SessionGrains.Bench.SessionTable;

/// <summary>
/// Deep pages: the first page, the 200th reached by walking nextCursor, and (for contrast) the
/// 200th by offset — with pageSize 50 that is offset 9,950, the deepest the contract still
/// serves. After one walk per list, the three are timed interleaved in every run (rotating which
/// goes first), so a burst of load from other processes falls on all of them alike, and the ratio
/// of each run's pair is reported beside the medians.
/// </summary>
public sealed class CursorMeasurements(BenchApi api, BenchOptions options)
{
    /// <summary>The page the walk reaches, and the page size (200 × 50 = the offset limit's edge).</summary>
    public const int DeepPage = 200;

    public const int PageSize = 50;

    /// <summary>Lists walked: the default order over everything, and two filtered ones with other sorts.</summary>
    private static readonly string[] Lists = ["sort=-createdAt", "sort=userEmail&status=active", "sort=-ipAddress&clientId=portal"];

    public async Task<IReadOnlyList<CursorFigures>> RunAsync()
    {
        var figures = new List<CursorFigures>();
        var cursors = new List<string>();
        foreach (var list in Lists)
        {
            var (cursor, walk) = await WalkAsync(list);
            cursors.Add(cursor);
            figures.Add(new CursorFigures(list, walk));
        }

        for (var run = 0; run < options.CursorRuns; run++)
        {
            for (var l = 0; l < Lists.Length; l++)
            {
                var f = figures[l];
                string[] paths = [Path(Lists[l], "page=1"), Path(Lists[l], "cursor=" + Uri.EscapeDataString(cursors[l])), Path(Lists[l], $"page={DeepPage}")];
                var ms = new double[3];
                for (var k = 0; k < 3; k++)
                {
                    var which = (k + run) % 3;
                    ms[which] = (await api.GetAsync(paths[which])).Expect(HttpStatusCode.OK).Milliseconds;
                }

                f.First.Add(ms[0]);
                f.ByCursor.Add(ms[1]);
                f.ByOffset.Add(ms[2]);
            }
        }

        foreach (var f in figures)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"Cursor, {f.List}: page 1 p50 {Measurements.Percentile(f.First, 0.5):F1} ms; page {DeepPage} by cursor p50 {Measurements.Percentile(f.ByCursor, 0.5):F1} ms; " +
                $"by offset p50 {Measurements.Percentile(f.ByOffset, 0.5):F1} ms; paired ratio cursor/first p50 {f.PairedRatio(0.5):F2}"));
        }

        return figures;
    }

    /// <summary>
    /// Walks from page 1 to page 200 by nextCursor, timing each step, and checks that the 200th
    /// page by cursor is exactly the 200th by offset (nothing changes the table meanwhile).
    /// </summary>
    private async Task<(string Cursor, List<double> Steps)> WalkAsync(string list)
    {
        var steps = new List<double>();
        var page = (await api.GetAsync(Path(list, "page=1"))).Expect(HttpStatusCode.OK).Json;
        var cursor = "";
        for (var number = 2; number <= DeepPage; number++)
        {
            cursor = page["nextCursor"]?.GetValue<string>()
                ?? throw new InvalidOperationException($"{list}: page {number - 1} has no nextCursor ({page["total"]} matches).");
            var response = (await api.GetAsync(Path(list, "cursor=" + Uri.EscapeDataString(cursor)))).Expect(HttpStatusCode.OK);
            steps.Add(response.Milliseconds);
            page = response.Json;
        }

        var byOffset = (await api.GetAsync(Path(list, $"page={DeepPage}"))).Expect(HttpStatusCode.OK).Json;
        if (Ids(page) != Ids(byOffset) || page["page"]!.GetValue<int>() != DeepPage)
        {
            throw new InvalidOperationException($"{list}: page {DeepPage} by cursor differs from page {DeepPage} by offset.");
        }

        return (cursor, steps);
    }

    private static string Ids(System.Text.Json.Nodes.JsonNode page) =>
        string.Join(',', page["items"]!.AsArray().Select(x => x!["sessionId"]!.GetValue<string>()));

    private static string Path(string list, string paging) => $"/api/v1/tenants/{Seeder.TenantId}/sessions?{list}&pageSize={PageSize}&{paging}";
}

/// <summary>One list's deep-page timings, in ms.</summary>
public sealed record CursorFigures(string List, List<double> Walk)
{
    public List<double> First { get; } = [];
    public List<double> ByCursor { get; } = [];
    public List<double> ByOffset { get; } = [];

    /// <summary>A percentile of each run's cursor page time over the same run's first page time.</summary>
    public double PairedRatio(double q) => Measurements.Percentile([.. ByCursor.Zip(First, (c, f) => c / f)], q);

    /// <summary>The same for the offset page.</summary>
    public double PairedOffsetRatio(double q) => Measurements.Percentile([.. ByOffset.Zip(First, (o, f) => o / f)], q);
}
