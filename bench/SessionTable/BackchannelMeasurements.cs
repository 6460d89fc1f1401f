using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace SessionGrains.Bench.SessionTable;

/// <summary>
/// The back-channel logout benchmark (--backchannel URL): with every seeded client registered with
/// a back-channel logout URI (a local receiver answering 200), one tenant logout-all. Measured: how
/// long the call takes, against logout-alls of a client without a URI in the same run (the call as
/// it was before back-channel logout), and how long until every session's logout token is delivered,
/// by the clients' progress counts.
/// </summary>
public sealed class BackchannelMeasurements(BenchHost host, BenchDatabase database, Seeded seeded, string receiver)
{
    private const int BaselineCalls = 5;

    /// <summary>The longest the drain may take before the run gives up.</summary>
    private static readonly TimeSpan DrainLimit = TimeSpan.FromMinutes(15);

    private string T => $"/api/v1/tenants/{Seeder.TenantId}";

    public async Task<string> RunAsync()
    {
        var api = host.Api;
        // Logout-alls of a client nobody signed in with: what the call costs with nothing to tell.
        var baseline = new List<double>();
        for (var i = 0; i < BaselineCalls; i++)
        {
            baseline.Add((await api.PostAsync($"{T}/logout-all", new { clientId = "nobody" })).Expect(System.Net.HttpStatusCode.OK).Milliseconds);
        }

        foreach (var client in Seeder.ClientIds)
        {
            (await api.PostAsync($"{T}/clients", new { clientId = client, name = client, backchannelLogoutUri = receiver }))
                .Expect(System.Net.HttpStatusCode.Created);
        }

        // Read now rather than taken from the seeding: loading the table may have had a few sessions
        // past their deadline store their end, and an end stored before the client had a URI tells nobody.
        var told = await database.CountStoredActiveAsync(Seeder.TenantId);
        Console.WriteLine($"{told:N0} of the {seeded.Sessions:N0} seeded sessions are stored active: each is to be told.");
        var clock = Stopwatch.StartNew();
        var call = (await api.PostAsync($"{T}/logout-all", new { clientId = (string?)null })).Expect(System.Net.HttpStatusCode.OK).Milliseconds;
        double? queuedAt = null;
        long delivered = 0, failed = 0, pending = 0;
        var samples = new StringBuilder();
        var nextSample = 0.0;
        while (clock.Elapsed < DrainLimit)
        {
            // A reading that stalls (this sandbox's loopback has lost a response before) is skipped, not waited for.
            using var reading = new CancellationTokenSource(TimeSpan.FromSeconds(5));
            try
            {
                (pending, delivered, failed) = await CountsAsync(reading.Token);
            }
            catch (OperationCanceledException)
            {
                Console.WriteLine($"  a progress reading took over 5 s at {clock.Elapsed.TotalSeconds:F0} s; skipped");
                continue;
            }

            if (queuedAt is null && pending + delivered + failed >= told)
            {
                queuedAt = clock.Elapsed.TotalSeconds;
            }

            if (clock.Elapsed.TotalSeconds >= nextSample)
            {
                samples.AppendLine(CultureInfo.InvariantCulture, $"| {clock.Elapsed.TotalSeconds:F0} | {pending:N0} | {delivered:N0} | {failed:N0} |");
                nextSample += 5;
            }

            if (delivered + failed >= told)
            {
                break;
            }

            await Task.Delay(200);
        }

        var drained = clock.Elapsed.TotalSeconds;
        var rate = delivered / drained;
        var median = baseline.Order().ElementAt(baseline.Count / 2);
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"Back-channel logout: tenant logout-all of {told:N0} sessions stored active (of {seeded.Sessions:N0} seeded), every client with a back-channel logout URI ({receiver})");
        md.AppendLine();
        md.AppendLine("| measure | value | target |");
        md.AppendLine("|---|---|---|");
        md.AppendLine(CultureInfo.InvariantCulture, $"| logout-all call, no client to tell (median of {BaselineCalls}) | {median:F1} ms | |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| logout-all call, {told:N0} sessions to tell | {call:F1} ms ({call / median:F2}× the baseline) | < 100 ms |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| every notice queued (outbox rows) | {queuedAt?.ToString("F1", CultureInfo.InvariantCulture) ?? "never"} s after the call | |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| every notice delivered | {drained:F1} s after the call ({delivered:N0} delivered, {failed:N0} failed, {pending:N0} pending) | |");
        md.AppendLine(CultureInfo.InvariantCulture, $"| deliveries per second, call to last delivery | {rate:N0} | ≥ 2,000 |");
        md.AppendLine();
        md.AppendLine("| s after the call | pending | delivered | failed |");
        md.AppendLine("|---|---|---|---|");
        md.Append(samples);
        Met = call < 100 && rate >= 2_000 && delivered == told;
        return md.ToString();
    }

    /// <summary>True when both targets were met and every notice was delivered.</summary>
    public bool Met { get; private set; }

    private async Task<(long Pending, long Delivered, long Failed)> CountsAsync(CancellationToken cancellationToken)
    {
        long pending = 0, delivered = 0, failed = 0;
        foreach (var client in Seeder.ClientIds)
        {
            var json = (await host.Api.GetAsync($"{T}/clients/{client}/backchannel-logout", cancellationToken: cancellationToken))
                .Expect(System.Net.HttpStatusCode.OK).Json;
            pending += json["pending"]!.GetValue<long>();
            delivered += json["delivered"]!.GetValue<long>();
            failed += json["failed"]!.GetValue<long>();
        }

        return (pending, delivered, failed);
    }
}
