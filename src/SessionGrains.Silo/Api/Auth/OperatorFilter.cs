using SessionGrains.Silo.Api.Problems;

namespace SessionGrains.Silo.Api.Auth;

/// <summary>Only the operator (403 for every tenant key).</summary>
internal sealed class OperatorFilter : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next) =>
        context.HttpContext.GetCaller().IsOperator ? await next(context) : ApiProblem.Forbidden();
}
