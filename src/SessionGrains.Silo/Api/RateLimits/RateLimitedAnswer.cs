using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using SessionGrains.Silo.Api.Problems;

namespace SessionGrains.Silo.Api.RateLimits;

/// <summary>The one way a limit answers: <c>429 rate_limited</c> with <c>Retry-After</c> in whole seconds.</summary>
internal static class RateLimitedAnswer
{
    /// <summary>Writes the answer, telling the client to wait <paramref name="retryAfter"/> (at least a second).</summary>
    public static Task WriteAsync(HttpContext context, TimeSpan retryAfter)
    {
        var seconds = Math.Max(1, (long)Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return ApiProblem.RateLimited(seconds).ExecuteAsync(context);
    }

    /// <summary>What the rate limiting middleware calls for a request over its key's limit.</summary>
    public static ValueTask OnRejectedAsync(OnRejectedContext rejected, CancellationToken cancellationToken) =>
        new(WriteAsync(rejected.HttpContext, rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? retryAfter : TimeSpan.Zero));
}
