using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SessionGrains.Tests.Infrastructure.Browser;

/// <summary>
/// A web server of another origin than the silo, on 127.0.0.1 too, serving one HTML page at
/// <c>/</c>: the page an attacker would lure a signed-in admin to. Reached as
/// <see cref="SameSiteOrigin"/> (<c>http://127.0.0.1:&lt;its port&gt;</c>: another origin, but the
/// same site as the silo, since a site ignores the port, so a SameSite=Strict cookie still goes
/// along) or as <see cref="CrossSiteOrigin"/> (<c>http://localhost:&lt;its port&gt;</c>: another
/// site, whose requests carry no SameSite=Strict cookie).
/// </summary>
public sealed class ForeignSite : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ForeignSite(WebApplication app, int port)
    {
        _app = app;
        SameSiteOrigin = new Uri($"http://127.0.0.1:{port}");
        CrossSiteOrigin = new Uri($"http://localhost:{port}");
    }

    /// <summary>Another origin of the silo's site.</summary>
    public Uri SameSiteOrigin { get; }

    /// <summary>Another site.</summary>
    public Uri CrossSiteOrigin { get; }

    /// <summary>Starts serving <paramref name="html"/> at <c>/</c> on a free loopback port.</summary>
    public static async Task<ForeignSite> StartAsync(string html)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        app.MapGet("/", () => Results.Content(html, "text/html; charset=utf-8"));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        return new ForeignSite(app, new Uri(address).Port);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
