using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace SessionGrains.Silo.Api.OpenApi;

/// <summary>
/// A handler that answers one status with either of two bodies (validate: an active or an inactive
/// token, both 200) says so in its <c>Results&lt;…&gt;</c>; the generator keeps only one of them, so
/// this puts them back as <c>oneOf</c>.
/// </summary>
internal sealed class AlternativeResponsesTransformer : IOpenApiOperationTransformer
{
    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var alternatives = context.Description.ActionDescriptor.EndpointMetadata
            .OfType<IProducesResponseTypeMetadata>()
            .Where(m => m.Type is not null && m.Type != typeof(void))
            .GroupBy(m => m.StatusCode)
            .Where(g => g.Select(m => m.Type).Distinct().Count() > 1);
        foreach (var group in alternatives)
        {
            if (operation.Responses?.GetValueOrDefault(group.Key.ToString()) is not OpenApiResponse { Content: { } content })
            {
                continue;
            }

            var oneOf = new List<IOpenApiSchema>();
            foreach (var type in group.Select(m => m.Type!).Distinct())
            {
                oneOf.Add(await ReferenceAsync(type, context, cancellationToken));
            }

            foreach (var media in content.Values)
            {
                media.Schema = new OpenApiSchema { OneOf = oneOf };
            }
        }
    }

    private static async Task<IOpenApiSchema> ReferenceAsync(Type type, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        var document = context.Document!;
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        if (!document.Components.Schemas.ContainsKey(type.Name))
        {
            document.Components.Schemas[type.Name] = await context.GetOrCreateSchemaAsync(type, null, cancellationToken);
        }

        return new OpenApiSchemaReference(type.Name, document);
    }
}
