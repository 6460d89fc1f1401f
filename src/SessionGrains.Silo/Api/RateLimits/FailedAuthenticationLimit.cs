using Microsoft.Extensions.Options;
using SessionGrains.Grains;

namespace SessionGrains.Silo.Api.RateLimits;

/// <summary>
/// Counts the requests refused for want of a known key (401) per client address
/// (<see cref="RateLimitOptions.Unauthenticated"/>). <see cref="Auth.AuthenticationMiddleware"/>
/// asks it before it checks a key (<see cref="IsExhausted"/>) and counts each refusal
/// (<see cref="TryCount"/>); over the limit, refusals are answered 429.
/// </summary>
internal sealed class FailedAuthenticationLimit(IOptions<RateLimitOptions> options, [FromKeyedServices(Clock.Key)] TimeProvider time) : IDisposable
{
    /// <summary>
    /// The most addresses counted per window; past that, new addresses share one count. About
    /// 100 bytes each, so an attacker cycling addresses holds at most a few MB, for one window.
    /// </summary>
    internal const int AddressCapacity = 1 << 16;

    private readonly FixedWindowLimiter<UInt128>? _limiter = FixedWindowLimiter<UInt128>.For(options.Value.Unauthenticated, time, AddressCapacity);

    /// <summary>True when the request's address has used up its refusals in this window; then <paramref name="retryAfter"/> says for how long.</summary>
    public bool IsExhausted(HttpContext context, out TimeSpan retryAfter) => !Acquire(context, 0, out retryAfter);

    /// <summary>Counts one refusal of the request's address; false (and when to retry) when that was one over the limit.</summary>
    public bool TryCount(HttpContext context, out TimeSpan retryAfter) => Acquire(context, 1, out retryAfter);

    private bool Acquire(HttpContext context, int count, out TimeSpan retryAfter)
    {
        retryAfter = TimeSpan.Zero;
        if (_limiter is null)
        {
            return true;
        }

        using var lease = _limiter.AttemptAcquire(ClientAddress.KeyOf(context), count);
        if (lease.IsAcquired)
        {
            return true;
        }

        lease.TryGetMetadata(System.Threading.RateLimiting.MetadataName.RetryAfter, out retryAfter);
        return false;
    }

    public void Dispose() => _limiter?.Dispose();
}
