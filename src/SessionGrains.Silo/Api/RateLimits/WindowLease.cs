using System.Threading.RateLimiting;

namespace SessionGrains.Silo.Api.RateLimits;

/// <summary>The answer of a <see cref="FixedWindowLimiter{TKey}"/>: granted (one shared instance), or refused with when to retry.</summary>
internal sealed class WindowLease : RateLimitLease
{
    private static readonly string[] RetryAfterName = [MetadataName.RetryAfter.Name];
    private readonly TimeSpan? _retryAfter;

    private WindowLease(bool acquired, TimeSpan? retryAfter)
    {
        IsAcquired = acquired;
        _retryAfter = retryAfter;
    }

    /// <summary>A granted lease; it holds nothing, so one serves every request.</summary>
    public static WindowLease Granted { get; } = new(true, null);

    public override bool IsAcquired { get; }

    public override IEnumerable<string> MetadataNames => _retryAfter is null ? [] : RetryAfterName;

    /// <summary>Refused until <paramref name="retryAfter"/> from now.</summary>
    public static WindowLease Refused(TimeSpan retryAfter) => new(false, retryAfter);

    public override bool TryGetMetadata(string metadataName, out object? metadata)
    {
        metadata = metadataName == MetadataName.RetryAfter.Name ? _retryAfter : null;
        return metadata is not null;
    }
}
