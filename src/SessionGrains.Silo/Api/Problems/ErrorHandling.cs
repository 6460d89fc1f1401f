using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc;

namespace SessionGrains.Silo.Api.Problems;

/// <summary>
/// Turns every failure into a problem response with a <c>code</c>: bad requests caught by the
/// framework (malformed JSON, oversize bodies, missing bodies), bare statuses (unknown routes,
/// wrong methods), and — as a last resort — server faults.
/// </summary>
public static class ErrorHandling
{
    /// <summary>Registers problem details with the <c>code</c> member filled in for bare statuses.</summary>
    public static IServiceCollection AddApiProblems(this IServiceCollection services)
    {
        services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        return services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            var problem = context.ProblemDetails;
            var status = problem.Status ?? context.HttpContext.Response.StatusCode;
            if (!problem.Extensions.ContainsKey("code"))
            {
                var code = ApiProblem.CodeFor(status);
                problem.Extensions["code"] = code;
                problem.Type = ApiProblem.TypeOf(code);
            }

            problem.Extensions.Remove("traceId");
        });
    }

    /// <summary>Adds the exception handler and status-code pages that write problems.</summary>
    public static WebApplication UseApiProblems(this WebApplication app)
    {
        app.UseExceptionHandler(new ExceptionHandlerOptions
        {
            StatusCodeSelector = ex => ex switch
            {
                BadHttpRequestException bad => bad.StatusCode,
                _ when IsTransient(ex) => StatusCodes.Status503ServiceUnavailable,
                _ => StatusCodes.Status500InternalServerError,
            },
            ExceptionHandler = WriteExceptionAsync,
        });
        app.UseStatusCodePages();
        return app;
    }

    private static async Task WriteExceptionAsync(HttpContext context)
    {
        var error = context.Features.Get<IExceptionHandlerFeature>()?.Error;
        var (status, code, title, detail) = error switch
        {
            BadHttpRequestException { StatusCode: 413 } => (413, "payload_too_large", "Payload too large", "The request body is over the size limit."),
            BadHttpRequestException { InnerException: JsonException json } => (400, "malformed_json", "Malformed JSON", Describe(json)),
            BadHttpRequestException bad => (bad.StatusCode, bad.StatusCode == 400 ? "bad_request" : ApiProblem.CodeFor(bad.StatusCode), "Bad request", bad.Message),
            ChangeNotStoredException => (503, "unavailable", "Service unavailable",
                "The change could not be stored, so nothing changed; retry shortly."),
            Audit.AuditNotStoredException => (503, "unavailable", "Service unavailable",
                "The action may have taken effect, but its audit record could not be stored; check its result before retrying."),
            _ when IsTransient(error) => (503, "unavailable", "Service unavailable",
                "The cluster did not answer in time (a silo may be starting, stopping or loading); retry shortly."),
            _ => (500, "internal_error", "Internal error", "The server failed to answer this request."),
        };

        context.Response.StatusCode = status;
        if (status == StatusCodes.Status503ServiceUnavailable)
        {
            context.Response.Headers.RetryAfter = "2";
        }
        var problems = context.RequestServices.GetRequiredService<IProblemDetailsService>();
        await problems.WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails = new ProblemDetails
            {
                Status = status,
                Title = title,
                Detail = detail,
                Type = ApiProblem.TypeOf(code),
                Extensions = { ["code"] = code },
            },
        });
    }

    /// <summary>
    /// Failures of the cluster rather than of the request: a call that timed out (a shard still
    /// loading its rows after a restart, a silo cut off from a tenant grain), a silo that left, an
    /// activation the runtime gave up on, or storage that refused a change (which then left no
    /// trace). The client can retry; it is not a 500.
    /// </summary>
    internal static bool IsTransient(Exception? error) =>
        error is TimeoutException or ChangeNotStoredException or Audit.AuditNotStoredException
            or Orleans.Runtime.SiloUnavailableException or Orleans.Runtime.OrleansMessageRejectionException
            // A grain activation the runtime cancelled (it outlasted the activation timeout on a
            // loaded silo) reaches the caller as a cancellation it did not ask for.
            or OperationCanceledException;

    /// <summary>Where the JSON went wrong, without echoing the input back.</summary>
    private static string Describe(JsonException json) =>
        json.Path is { Length: > 0 } path ? $"The body is not valid JSON for this route at '{path}'." : "The body is not valid JSON.";
}
