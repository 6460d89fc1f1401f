using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using SessionGrains.Grains;
using SessionGrains.Silo.Api.Auth;
using SessionGrains.Silo.Api.Problems;
using SessionGrains.Silo.Api.RateLimits;
using SessionGrains.Silo.Audit;

namespace SessionGrains.Silo.Api.Audit;

/// <summary>
/// The audit log's one place in the request pipeline: runs around every /api/v1 endpoint (inside
/// authentication, outside every other filter) and, once the endpoint has answered and before the
/// answer is written, records what it did: each answer of an <see cref="AuditedAction"/> route
/// (<c>success</c> for 2xx, <c>failed</c> otherwise, with the problem's status and code), and every
/// 403 of an administration route as <c>access.denied</c> (<c>denied</c>, with the action attempted).
/// The session lifecycle, gateway and OAuth routes (sign-in, validate, refresh, logout, forward
/// auth, introspect, revoke: those under the lifecycle rate limit) are the platform's traffic, not
/// administration, and are not recorded. A route whose change stores its own success record
/// (<see cref="AuditWithChange"/>) gets that record made here, before it runs, and is not recorded
/// again when it succeeds.
/// </summary>
internal sealed class AuditFilter(AuditRecorder recorder) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var metadata = http.GetEndpoint()?.Metadata;
        if (!recorder.Enabled || metadata?.GetMetadata<RateLimitedAs>()?.Policy == RateLimitPolicy.Lifecycle)
        {
            return await next(context);
        }

        var audited = metadata?.GetMetadata<AuditedAction>();
        AuditWithChange? withChange = null;
        if (audited is { StoredWithChange: true })
        {
            var success = Describe(context, audited, result: null);
            withChange = new AuditWithChange(recorder.Build(http, LogOf(http, success, code: null), audited.Action, AuditOutcomes.Success, success));
            http.Features.Set(withChange);
        }

        object? result;
        try
        {
            result = await next(context);
        }
        catch (Exception ex) when (audited is not null && ErrorHandling.IsTransient(ex))
        {
            // A change that was handed its record and then failed to be stored stored neither; one
            // that failed after its write (telling the session table) stored both, and ended.
            if (withChange is not { Taken: true } || ex is ChangeNotStoredException)
            {
                await RecordFailureAsync(context, audited, ex);
            }

            throw;
        }

        var (status, code) = Answer(result, http);
        if (status == StatusCodes.Status403Forbidden)
        {
            var description = Describe(context, audited, result: null);
            description.Target = http.Request.Path.Value;
            description.Details["method"] = http.Request.Method;
            description.Details["route"] = (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
            description.Details["attemptedAction"] = audited?.Action;
            await recorder.RecordAsync(http, LogOf(http, description, code), AuditActions.AccessDenied, AuditOutcomes.Denied, description);
        }
        else if (audited is not null && !(withChange is { Taken: true } && status is >= 200 and < 300))
        {
            var success = status is >= 200 and < 300;
            var description = Describe(context, audited, success ? result : null);
            if (!success)
            {
                description.Details["status"] = status;
                description.Details["code"] = code;
            }

            await recorder.RecordAsync(http, LogOf(http, description, code), audited.Action, success ? AuditOutcomes.Success : AuditOutcomes.Failed, description);
        }

        return result;
    }

    /// <summary>A request the cluster failed (503): recorded as failed if the log can take it, without hiding the failure itself.</summary>
    private async Task RecordFailureAsync(EndpointFilterInvocationContext context, AuditedAction audited, Exception error)
    {
        var description = Describe(context, audited, result: null);
        description.Details["status"] = StatusCodes.Status503ServiceUnavailable;
        description.Details["code"] = "unavailable";
        description.Details["error"] = error.GetType().Name;
        try
        {
            await recorder.RecordAsync(context.HttpContext, LogOf(context.HttpContext, description, "unavailable"), audited.Action, AuditOutcomes.Failed, description);
        }
        catch (AuditNotStoredException)
        {
            // Storage is likely what failed; the request already answers 503.
        }
    }

    private static AuditDescription Describe(EndpointFilterInvocationContext context, AuditedAction? audited, object? result)
    {
        var description = new AuditDescription();
        if (audited?.TargetRouteValue is { } name && context.HttpContext.Request.RouteValues[name] is string value)
        {
            description.Target = value;
        }

        foreach (var argument in context.Arguments)
        {
            (argument as IAuditable)?.Describe(description);
        }

        (Unwrap(result) is IValueHttpResult { Value: IAuditable answer } ? answer : null)?.Describe(description);
        return description;
    }

    /// <summary>
    /// Whose log holds the record: a tenant key's own tenant, always (a refusal on another tenant
    /// goes to the refused key's tenant, so nobody can write into a log it may not read); for the
    /// operator, the tenant the route or the answer names if it exists, else the operator's log.
    /// </summary>
    private static string LogOf(HttpContext http, AuditDescription description, string? code)
    {
        var caller = http.GetCaller();
        if (!caller.IsOperator)
        {
            return caller.TenantId!;
        }

        if (description.TenantId is { } created)
        {
            return created;
        }

        return code != "tenant_not_found" && http.Request.RouteValues["tenantId"] is string tenantId && Identifier.IsValid(tenantId)
            ? tenantId
            : AuditStore.OperatorLog;
    }

    private static (int Status, string? Code) Answer(object? result, HttpContext http)
    {
        var inner = Unwrap(result);
        var status = (inner as IStatusCodeHttpResult)?.StatusCode ?? http.Response.StatusCode;
        var problem = inner switch
        {
            IValueHttpResult { Value: ProblemDetails details } => details,
            ProblemHttpResult p => p.ProblemDetails,
            ValidationProblem v => v.ProblemDetails,
            _ => null,
        };
        return (status, problem?.Extensions.TryGetValue("code", out var code) == true ? code as string : null);
    }

    private static object? Unwrap(object? result)
    {
        while (result is INestedHttpResult nested)
        {
            result = nested.Result;
        }

        return result;
    }
}
