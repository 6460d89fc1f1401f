using System.Net;

namespace SessionGrains.Bench.Load;

/// <summary>
/// The administrative phase: <see cref="LoadOptions.Terminates"/> sessions ended one by one
/// (<c>DELETE …/sessions/{id}</c>) and as many again in bulk (<c>POST …/sessions/terminate</c>,
/// <see cref="LoadOptions.BulkSize"/> ids a request), by the operator, with the configured
/// workers: what the audit log is measured on.
/// </summary>
public sealed partial class LoadRun
{
    private async Task<(int Failures, string Result)> TerminateAsync(HttpClient[] clients, string serviceKey, CancellationToken cancellationToken)
    {
        var single = await SignInManyAsync(clients, serviceKey, "ts", options.Terminates, keepTokens: true, cancellationToken);
        var bulk = await SignInManyAsync(clients, serviceKey, "tb", options.Terminates, keepTokens: true, cancellationToken);
        if (single.Failures + bulk.Failures > 0)
        {
            Console.Error.WriteLine("The sign-ins for the terminations did not all succeed.");
            return (1, "");
        }

        // Let the sign-ins' own background writes (user grains, the session table) drain, so the
        // terminations are measured on their own.
        await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);
        var ids = single.SessionIds;
        var terminated = await ManyAsync(clients, ids.Count, keepTokens: false, n =>
        {
            var request = new HttpRequestMessage(HttpMethod.Delete, $"api/v1/tenants/{options.Tenant}/sessions/{ids[n]}");
            request.Headers.Authorization = new("Bearer", options.OperatorKey);
            return request;
        }, HttpStatusCode.NoContent, cancellationToken);
        Report("terminate", terminated);

        var batches = bulk.SessionIds.Chunk(options.BulkSize).ToArray();
        var bulkTerminated = await ManyAsync(clients, batches.Length, keepTokens: false, n =>
            Post($"api/v1/tenants/{options.Tenant}/sessions/terminate", options.OperatorKey, new { sessionIds = batches[n] }),
            HttpStatusCode.OK, cancellationToken);
        Report("bulk terminate", bulkTerminated);

        var result = FormattableString.Invariant(
            $" terminate_per_s={terminated.PerSecond:F0} terminate_p50_ms={terminated.Percentile(0.50):F1} terminate_p99_ms={terminated.Percentile(0.99):F1} terminate_failures={terminated.Failures}")
            + FormattableString.Invariant(
            $" bulk_requests_per_s={bulkTerminated.PerSecond:F1} bulk_sessions_per_s={bulkTerminated.PerSecond * options.BulkSize:F0} bulk_p50_ms={bulkTerminated.Percentile(0.50):F1} bulk_p99_ms={bulkTerminated.Percentile(0.99):F1} bulk_failures={bulkTerminated.Failures}");
        return (terminated.Failures + bulkTerminated.Failures, result);
    }
}
