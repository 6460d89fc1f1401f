using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace SessionGrains.Silo.Api.RateLimits;

/// <summary>The two calls SiloApp makes for rate limits.</summary>
public static class RateLimitHosting
{
    /// <summary>
    /// The limits' settings (checked at start), the count of refused keys per address that
    /// authentication uses, and ASP.NET Core's rate limiter with the per-key limiter as its global one.
    /// </summary>
    public static IServiceCollection AddSessionGrainsRateLimits(this IServiceCollection services)
    {
        services.AddOptions<RateLimitOptions>().BindConfiguration(RateLimitOptions.Section).ValidateOnStart();
        services.AddSingleton<IValidateOptions<RateLimitOptions>, RateLimitOptionsValidator>();
        services.AddSingleton<FailedAuthenticationLimit>();
        services.AddSingleton<CallerRateLimiter>();
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<CallerRateLimiter>((o, limiter) =>
        {
            o.GlobalLimiter = limiter;
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = RateLimitedAnswer.OnRejectedAsync;
        });
        return services;
    }

    /// <summary>
    /// The per-key limits, after authentication (they count the caller's key) and before the
    /// endpoint reads the body. Left out when both are off, so "off" costs nothing; decided when
    /// the pipeline is built, which is after the settings were checked at start.
    /// </summary>
    public static IApplicationBuilder UseSessionGrainsRateLimits(this IApplicationBuilder app) =>
        app.Use(next =>
        {
            if (!app.ApplicationServices.GetRequiredService<CallerRateLimiter>().Enabled)
            {
                return next;
            }

            var limited = app.New();
            limited.UseRateLimiter();
            limited.Run(next);
            return limited.Build();
        });
}
