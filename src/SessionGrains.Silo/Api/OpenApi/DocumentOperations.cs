using Microsoft.OpenApi;

namespace SessionGrains.Silo.Api.OpenApi;

/// <summary>Walks a generated document's operations, for the transformers.</summary>
internal static class DocumentOperations
{
    /// <summary>Every operation of the document with its path.</summary>
    public static IEnumerable<(string Path, OpenApiOperation Operation)> Operations(this OpenApiDocument document) =>
        from path in document.Paths
        where path.Value.Operations is not null
        from operation in path.Value.Operations!.Values
        select (path.Key, operation);
}
