using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace SessionGrains.Silo.Api.OpenApi;

/// <summary>
/// Timestamps are written by the host's own converter (UTC, milliseconds, a trailing Z), which
/// hides from the generator that they are strings; without the type a client generator reads them
/// as anything. Says so: a string in date-time format.
/// </summary>
internal sealed class TimestampSchemaTransformer : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        var type = Nullable.GetUnderlyingType(context.JsonTypeInfo.Type) ?? context.JsonTypeInfo.Type;
        if (type == typeof(DateTimeOffset))
        {
            schema.Type = context.JsonTypeInfo.Type == type ? JsonSchemaType.String : JsonSchemaType.String | JsonSchemaType.Null;
            schema.Format = "date-time";
        }

        return Task.CompletedTask;
    }
}
