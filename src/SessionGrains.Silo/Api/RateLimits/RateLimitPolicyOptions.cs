namespace SessionGrains.Silo.Api.RateLimits;

/// <summary>One limit: at most <see cref="PermitLimit"/> requests in each window of <see cref="WindowSeconds"/>.</summary>
public sealed class RateLimitPolicyOptions
{
    /// <summary>The longest window accepted: a day.</summary>
    public const int MaxWindowSeconds = 86_400;

    /// <summary>Requests allowed per window; 0 turns the limit off.</summary>
    public int PermitLimit { get; set; }

    /// <summary>The window's length, 1 to <see cref="MaxWindowSeconds"/> seconds.</summary>
    public int WindowSeconds { get; set; } = 60;

    /// <summary>Whether this limit counts at all.</summary>
    public bool Enabled => PermitLimit > 0;
}
