using Microsoft.Extensions.Options;

namespace SessionGrains.Silo.Api.RateLimits;

/// <summary>Refuses the start on a limit that cannot mean anything, naming each key that is wrong.</summary>
internal sealed class RateLimitOptionsValidator : IValidateOptions<RateLimitOptions>
{
    public ValidateOptionsResult Validate(string? name, RateLimitOptions options)
    {
        var failures = new List<string>();
        Check(failures, nameof(RateLimitOptions.Admin), options.Admin);
        Check(failures, nameof(RateLimitOptions.Lifecycle), options.Lifecycle);
        Check(failures, nameof(RateLimitOptions.Unauthenticated), options.Unauthenticated);
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void Check(List<string> failures, string policy, RateLimitPolicyOptions? limit)
    {
        var key = $"{RateLimitOptions.Section}:{policy}";
        if (limit is null)
        {
            failures.Add($"{key} is missing");
            return;
        }

        if (limit.PermitLimit < 0)
        {
            failures.Add($"{key}:PermitLimit must be 0 (no limit) or more; it is {limit.PermitLimit}");
        }

        if (limit.WindowSeconds is < 1 or > RateLimitPolicyOptions.MaxWindowSeconds)
        {
            failures.Add($"{key}:WindowSeconds must be from 1 to {RateLimitPolicyOptions.MaxWindowSeconds}; it is {limit.WindowSeconds}");
        }
    }
}
