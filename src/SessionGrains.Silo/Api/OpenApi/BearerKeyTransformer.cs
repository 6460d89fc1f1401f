using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace SessionGrains.Silo.Api.OpenApi;

/// <summary>The bearer key as the document's security scheme, required by every /api/v1 operation.</summary>
internal sealed class BearerKeyTransformer : IOpenApiDocumentTransformer
{
    /// <summary>The scheme's name in <c>components.securitySchemes</c>.</summary>
    public const string SchemeName = "apiKey";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[SchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "A tenant's API key (sgk.…), or the operator key.",
        };

        var requirement = new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeName, document)] = [] };
        foreach (var (_, operation) in document.Operations().Where(o => o.Path.StartsWith("/api/v1/", StringComparison.Ordinal)))
        {
            (operation.Security ??= []).Add(requirement);
        }

        return Task.CompletedTask;
    }
}
