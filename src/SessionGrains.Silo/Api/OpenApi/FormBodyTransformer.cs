using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace SessionGrains.Silo.Api.OpenApi;

/// <summary>
/// Endpoint metadata: the endpoint reads a form body of <paramref name="MediaType"/> by hand, whose
/// fields <paramref name="Fields"/> describes. Not the framework's accepts metadata, which would
/// have routing refuse another media type with a bare 415, before authentication and before the
/// endpoint's own answer.
/// </summary>
public sealed record FormBody(string MediaType, Type Fields);

/// <summary>Puts a <see cref="FormBody"/> endpoint's form in its operation as the request body.</summary>
internal sealed class FormBodyTransformer : IOpenApiOperationTransformer
{
    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.Description.ActionDescriptor.EndpointMetadata.OfType<FormBody>().FirstOrDefault() is not { } form)
        {
            return;
        }

        operation.RequestBody = new OpenApiRequestBody
        {
            Required = true,
            Content = new Dictionary<string, OpenApiMediaType>
            {
                [form.MediaType] = new() { Schema = await context.GetOrCreateSchemaAsync(form.Fields, null, cancellationToken) },
            },
        };
    }
}
