using System.Reflection;
using Microsoft.AspNetCore.Mvc.Infrastructure;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace SessionGrains.Silo.Api.OpenApi;

/// <summary>
/// Query values are bound as text, every value given (<c>string[]</c>), so that the API, not the binder, answers a
/// repeated or mistyped one; a client should still see one optional value of the type it means
/// (<see cref="QueryTypeAttribute"/>, else a string), not a required list of strings.
/// </summary>
internal sealed class QueryTextTransformer : IOpenApiOperationTransformer
{
    public async Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        foreach (var description in context.Description.ParameterDescriptions)
        {
            if (description.ParameterDescriptor is not IParameterInfoParameterDescriptor { ParameterInfo: { } info }
                || info.ParameterType != typeof(string[])
                || operation.Parameters?.OfType<OpenApiParameter>().FirstOrDefault(p => p.In == ParameterLocation.Query && p.Name == description.Name) is not { } parameter)
            {
                continue;
            }

            var type = info.GetCustomAttribute<QueryTypeAttribute>()?.Type ?? typeof(string);
            parameter.Schema = await context.GetOrCreateSchemaAsync(type, null, cancellationToken);
            parameter.Required = false;
        }
    }
}
