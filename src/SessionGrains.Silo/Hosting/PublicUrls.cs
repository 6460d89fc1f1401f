using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace SessionGrains.Silo.Hosting;

/// <summary>
/// The address clients reach the silos at, from which the issuer of each tenant is made: the
/// <c>iss</c> of its logout tokens and the issuer of its discovery document, which must be the same
/// text. Configured (<c>SessionGrains:PublicBaseUrl</c>) behind a load balancer or ingress; otherwise
/// this silo's first listening address, a wildcard host read as <c>localhost</c>.
/// </summary>
public sealed class PublicUrls(IOptions<SessionGrainsOptions> options, IServer server)
{
    /// <summary>The base URL, without a trailing slash.</summary>
    public string Base => field ??= (NonEmpty(options.Value.PublicBaseUrl) ?? Listening()).TrimEnd('/');

    /// <summary>The issuer of one tenant: <c>{base}/api/v1/tenants/{tenantId}</c>.</summary>
    public string Issuer(string tenantId) => $"{Base}/api/v1/tenants/{Uri.EscapeDataString(tenantId)}";

    private string Listening()
    {
        var address = server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault() ?? SiloApp.DefaultUrl;
        // Kestrel reports what it was told to bind: "+", "*", "0.0.0.0" or "[::]" mean every address.
        var uri = new UriBuilder(address.Replace("://+", "://localhost").Replace("://*", "://localhost"));
        if (uri.Host is "0.0.0.0" or "[::]" or "::")
        {
            uri.Host = "localhost";
        }

        return uri.Uri.GetLeftPart(UriPartial.Authority);
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}
