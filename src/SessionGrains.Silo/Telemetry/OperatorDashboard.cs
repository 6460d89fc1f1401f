using Orleans.Dashboard;
using SessionGrains.Silo.Api.Auth;

namespace SessionGrains.Silo.Telemetry;

/// <summary>
/// The Orleans dashboard (silos, grain activations and calls, runtime counters, logs, grain
/// state), on the API's own listener under <see cref="Path"/>, never a port of its own, and for
/// the operator alone: it shows every tenant's grains. A browser sends the operator key as the
/// password of HTTP Basic (any user name); a script may send it as a bearer token.
/// </summary>
public static class OperatorDashboard
{
    /// <summary>Where the dashboard and its data routes are served.</summary>
    public const string Path = "/dashboard";

    /// <summary>The realm of the Basic challenge a browser is answered with.</summary>
    public const string Realm = "SessionGrains dashboard";

    /// <summary>Adds the dashboard's services to the silo.</summary>
    public static WebApplicationBuilder AddOperatorDashboard(this WebApplicationBuilder builder)
    {
        // Joins the silo SiloApp configures: a second UseOrleans adds to the same silo builder.
        builder.UseOrleans(silo => silo.AddDashboard());
        return builder;
    }

    /// <summary>Maps the dashboard, its assets and its data routes, each behind the operator key.</summary>
    public static WebApplication MapOperatorDashboard(this WebApplication app)
    {
        app.MapOrleansDashboard(routePrefix: Path)
            .WithMetadata(new RequiresOperatorInBrowser(Realm))
            .ExcludeFromDescription();
        return app;
    }
}
