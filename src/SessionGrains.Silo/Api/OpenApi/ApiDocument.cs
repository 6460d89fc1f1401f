using Scalar.AspNetCore;

namespace SessionGrains.Silo.Api.OpenApi;

/// <summary>
/// The OpenAPI document of the API (<c>/openapi/v1.json</c>) and the readable reference over it
/// (<c>/docs</c>), both served without a key. Operations, their answers and most problems come
/// from the endpoints' signatures and filters; the transformers add what only the document knows.
/// </summary>
public static class ApiDocument
{
    /// <summary>Where the document is served.</summary>
    public const string Pattern = "/openapi/{documentName}.json";

    /// <summary>Registers the document and its transformers.</summary>
    public static IServiceCollection AddApiDocument(this IServiceCollection services) =>
        services.AddOpenApi(o =>
        {
            o.AddDocumentTransformer<DocumentInfoTransformer>();
            o.AddDocumentTransformer<BearerKeyTransformer>();
            o.AddDocumentTransformer<RequestBodyProblemsTransformer>();
            o.AddOperationTransformer<QueryTextTransformer>();
            o.AddOperationTransformer<FormBodyTransformer>();
            o.AddOperationTransformer<AlternativeResponsesTransformer>();
            o.AddSchemaTransformer<TimestampSchemaTransformer>();
        });

    /// <summary>Maps the document and the reference.</summary>
    public static WebApplication MapApiDocument(this WebApplication app)
    {
        app.MapOpenApi(Pattern);
        app.MapScalarApiReference("/docs", o => o.WithTitle(DocumentInfoTransformer.Title).WithOpenApiRoutePattern(Pattern));
        return app;
    }
}
