using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using SessionGrains.Grains;
using SessionGrains.Silo.Api.Auth;

namespace SessionGrains.Silo.Api.RateLimits;

/// <summary>
/// The global limiter of ASP.NET Core's rate limiting middleware, which runs after
/// authentication: a request to a route marked <see cref="RateLimitedAs"/> counts against that
/// policy of its caller's key (tenant and key id), so each key has one count for the admin routes
/// and one for the lifecycle routes, and one key's traffic never uses another's. Routes without
/// the mark (health, /metrics, the OpenAPI document, the dashboard) are not counted.
/// </summary>
internal sealed class CallerRateLimiter(IOptions<RateLimitOptions> options, [FromKeyedServices(Clock.Key)] TimeProvider time)
    : PartitionedRateLimiter<HttpContext>
{
    /// <summary>
    /// The most keys counted per window and policy; more share one count. Only keys that
    /// authenticated are counted, so this bounds nothing an outsider can fill.
    /// </summary>
    internal const int KeyCapacity = 1 << 20;

    private readonly FixedWindowLimiter<CallerKey>? _admin = FixedWindowLimiter<CallerKey>.For(options.Value.Admin, time, KeyCapacity);
    private readonly FixedWindowLimiter<CallerKey>? _lifecycle = FixedWindowLimiter<CallerKey>.For(options.Value.Lifecycle, time, KeyCapacity);

    /// <summary>Whether any per-key limit is on; with none the middleware is left out.</summary>
    public bool Enabled => _admin is not null || _lifecycle is not null;

    protected override RateLimitLease AttemptAcquireCore(HttpContext resource, int permitCount) =>
        LimiterOf(resource) is { } limiter && resource.FindCaller() is { KeyId: { } keyId } caller
            ? limiter.AttemptAcquire(new CallerKey(caller.TenantId ?? "", keyId), permitCount)
            : WindowLease.Granted;

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(HttpContext resource, int permitCount, CancellationToken cancellationToken) =>
        ValueTask.FromResult(AttemptAcquireCore(resource, permitCount));

    public override RateLimiterStatistics? GetStatistics(HttpContext resource) =>
        LimiterOf(resource) is { } limiter && resource.FindCaller() is { KeyId: { } keyId } caller
            ? limiter.GetStatistics(new CallerKey(caller.TenantId ?? "", keyId))
            : null;

    private FixedWindowLimiter<CallerKey>? LimiterOf(HttpContext context) =>
        context.GetEndpoint()?.Metadata.GetMetadata<RateLimitedAs>()?.Policy switch
        {
            RateLimitPolicy.Admin => _admin,
            RateLimitPolicy.Lifecycle => _lifecycle,
            _ => null,
        };

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _admin?.Dispose();
            _lifecycle?.Dispose();
        }

        base.Dispose(disposing);
    }
}
