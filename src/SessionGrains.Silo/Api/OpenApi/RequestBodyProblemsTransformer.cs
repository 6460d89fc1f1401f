using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;
using SessionGrains.Silo.Hosting;

namespace SessionGrains.Silo.Api.OpenApi;

/// <summary>
/// The problems any operation with a body can answer before its handler runs, written by the
/// host rather than by an endpoint (see ErrorHandling): 413 over the size limit, 415 not JSON (for a JSON body).
/// Malformed JSON is a 400, which every operation lists already.
/// </summary>
internal sealed class RequestBodyProblemsTransformer : IOpenApiDocumentTransformer
{
    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var (_, operation) in document.Operations().Where(o => o.Operation.RequestBody is not null))
        {
            operation.Responses ??= [];
            operation.Responses.TryAdd("413", Problem(document, $"The body is over the size limit ({SiloApp.MaxRequestBodyBytes / 1024} KB): payload_too_large."));
            if (operation.RequestBody!.Content?.ContainsKey("application/json") == true)
            {
                // A form route reads any body itself and answers its own 400 (see FormBody).
                operation.Responses.TryAdd("415", Problem(document, "The body is not JSON: unsupported_media_type."));
            }
        }

        return Task.CompletedTask;
    }

    private static OpenApiResponse Problem(OpenApiDocument document, string description) => new()
    {
        Description = description,
        Content = new Dictionary<string, OpenApiMediaType>
        {
            ["application/problem+json"] = new() { Schema = new OpenApiSchemaReference("ProblemDetails", document) },
        },
    };
}
