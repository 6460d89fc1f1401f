using System.Reflection;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Mvc;

namespace SessionGrains.Silo.Api.Problems;

/// <summary>
/// A problem answer whose status is part of its type. In a handler's <c>Results&lt;…&gt;</c> it puts
/// the status in the OpenAPI document as an <c>application/problem+json</c> response, so the
/// document is read off the signature and cannot drift from what the handler returns.
/// </summary>
public sealed class ApiProblem<TStatus> : IResult, IEndpointMetadataProvider, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<ProblemDetails>
    where TStatus : IProblemStatus
{
    private readonly ProblemHttpResult _problem;

    internal ApiProblem(ProblemHttpResult problem) => _problem = problem;

    /// <summary>The problem details written.</summary>
    public ProblemDetails Value => _problem.ProblemDetails;

    object? IValueHttpResult.Value => Value;

    /// <summary>The status, fixed by <typeparamref name="TStatus"/>.</summary>
    public int StatusCode => TStatus.Code;

    int? IStatusCodeHttpResult.StatusCode => StatusCode;

    /// <inheritdoc/>
    public Task ExecuteAsync(HttpContext httpContext) => _problem.ExecuteAsync(httpContext);

    /// <inheritdoc/>
    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(new ProducesResponseTypeMetadata(TStatus.Code, typeof(ProblemDetails), ["application/problem+json"]));
}
