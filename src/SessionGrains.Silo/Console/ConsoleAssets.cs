using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace SessionGrains.Silo.Console;

/// <summary>
/// Serves the web console: <c>index.html</c> at <c>/</c>, and the files beside it under
/// <see cref="RequestPath"/>, from the silo's own assembly (Console/Web is embedded at build), so
/// every silo serves the same console with nothing to install beside it.
/// </summary>
public static class ConsoleAssets
{
    /// <summary>Where the console's files are served.</summary>
    public const string RequestPath = "/console";

    /// <summary>
    /// Only the silo's own scripts, styles and API: the console shows text that users and clients
    /// chose (user agents, e-mails, claims), so no inline script may run, and no other site may
    /// frame it.
    /// </summary>
    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
        + "frame-ancestors 'none'; base-uri 'none'; form-action 'self'";

    private const string IndexFile = "index.html";

    /// <summary>Serves the console's files, and its page at <c>/</c>.</summary>
    public static WebApplication UseConsole(this WebApplication app)
    {
        var files = new ManifestEmbeddedFileProvider(typeof(ConsoleAssets).Assembly, "Console/Web");
        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files,
            RequestPath = RequestPath,
            OnPrepareResponse = context => Secure(context.Context.Response),
        });
        app.MapGet("/", (HttpContext http) => Page(http, files)).ExcludeFromDescription();
        return app;
    }

    private static IResult Page(HttpContext http, IFileProvider files)
    {
        var page = files.GetFileInfo(IndexFile);
        if (!page.Exists)
        {
            return TypedResults.NotFound();
        }

        Secure(http.Response);
        return TypedResults.Stream(page.CreateReadStream(), "text/html; charset=utf-8", lastModified: page.LastModified);
    }

    /// <summary>
    /// The console's headers: its policy, no sniffing, no referrer to other sites, and revalidation
    /// on every load, so a silo upgraded in a rolling update serves its own files at once.
    /// </summary>
    private static void Secure(HttpResponse response)
    {
        var headers = response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        headers.CacheControl = "no-cache";
    }
}
