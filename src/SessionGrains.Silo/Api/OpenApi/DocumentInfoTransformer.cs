using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace SessionGrains.Silo.Api.OpenApi;

/// <summary>The document's title and description, its described tags, and servers as clients join paths to them.</summary>
internal sealed class DocumentInfoTransformer : IOpenApiDocumentTransformer
{
    public const string Title = "SessionGrains API";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Info.Title = Title;
        document.Info.Version = "v1";
        document.Info.Description =
            "The session control plane: tenants and their keys, sign-in, validate, refresh and logout, and the session table "
            + "for administrators. Every /api/v1 route takes a key as Authorization: Bearer <key>. Errors are RFC 9457 problems "
            + "(application/problem+json) with a stable code member; validation failures add an errors object { field: [messages] }.";
        document.Tags = new HashSet<OpenApiTag>(ApiTags.All.Select(t => new OpenApiTag { Name = t.Name, Description = t.Description }));

        // The server is the request's own base URL; operation paths start with '/', so no trailing one.
        foreach (var server in document.Servers ?? [])
        {
            server.Url = server.Url?.TrimEnd('/');
        }

        return Task.CompletedTask;
    }
}
