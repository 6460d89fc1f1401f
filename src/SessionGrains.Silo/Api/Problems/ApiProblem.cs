using Microsoft.AspNetCore.Http.HttpResults;

namespace SessionGrains.Silo.Api.Problems;

/// <summary>
/// RFC 9457 problem responses with the contract's stable <c>code</c> member. Every error the API
/// returns is built here, so the shape is the same everywhere.
/// </summary>
public static class ApiProblem
{
    /// <summary>Code of an offset deeper than <see cref="Lists.Paging.MaxOffset"/>.</summary>
    public const string PageTooDeep = "page_too_deep";

    /// <summary>Code of a cursor that does not decode or was made for another list, filters, sort or page size.</summary>
    public const string InvalidCursor = "invalid_cursor";

    /// <summary>The problem type URI for a code.</summary>
    public static string TypeOf(string code) => $"urn:sessiongrains:problem:{code}";

    /// <summary>A problem with the status of <typeparamref name="TStatus"/> and the given code.</summary>
    public static ApiProblem<TStatus> Of<TStatus>(string code, string title, string? detail = null) where TStatus : IProblemStatus =>
        new(TypedResults.Problem(detail, null, TStatus.Code, title, TypeOf(code), new Dictionary<string, object?> { ["code"] = code }));

    /// <summary>
    /// A problem that is also an OAuth 2.0 error response (RFC 6749 §5.2): its code is the OAuth
    /// error code, repeated as <c>error</c>, and its detail is repeated as <c>error_description</c>,
    /// the members OAuth clients read.
    /// </summary>
    public static ApiProblem<TStatus> OAuthError<TStatus>(string error, string title, string detail) where TStatus : IProblemStatus =>
        new(TypedResults.Problem(detail, null, TStatus.Code, title, TypeOf(error), new Dictionary<string, object?>
        {
            ["code"] = error,
            ["error"] = error,
            ["error_description"] = detail,
        }));

    /// <summary>
    /// A 400 with the failed fields and their messages: <c>validation_failed</c>, or a more
    /// specific code of the contract (<see cref="PageTooDeep"/>, <see cref="InvalidCursor"/>).
    /// </summary>
    public static ValidationProblem Validation(IDictionary<string, string[]> errors, string? code = null)
    {
        var (title, detail) = code switch
        {
            null => ("Validation failed", "One or more fields are invalid."),
            PageTooDeep => ("Page too deep", "Offsets above 10,000 items are refused; walk further with the list's nextCursor."),
            InvalidCursor => ("Invalid cursor", "The cursor is not one this list gave for these filters, sort and pageSize; start again from page 1."),
            _ => ("Bad request", "One or more fields are invalid."),
        };
        code ??= "validation_failed";
        return TypedResults.ValidationProblem(errors, detail, null, title, TypeOf(code), new Dictionary<string, object?> { ["code"] = code });
    }

    /// <summary>401: no key, or a key nobody knows.</summary>
    public static ApiProblem<Status401Unauthorized> Unauthorized() =>
        Of<Status401Unauthorized>("unauthorized", "Unauthorized", "A valid API key is required: Authorization: Bearer <key> (or, from the web console, a live console session).");

    /// <summary>403: a known key without the role, or for another tenant. Says nothing about the target.</summary>
    public static ApiProblem<Status403Forbidden> Forbidden() =>
        Of<Status403Forbidden>("forbidden", "Forbidden", "This key may not perform this action on this tenant.");

    /// <summary>404 for a tenant that does not exist (only the operator can learn this).</summary>
    public static ApiProblem<Status404NotFound> TenantNotFound(string tenantId) =>
        Of<Status404NotFound>("tenant_not_found", "Tenant not found", $"There is no tenant '{tenantId}'.");

    /// <summary>429: over a request limit; the caller waits <paramref name="retryAfterSeconds"/>, which <c>Retry-After</c> says too.</summary>
    public static ApiProblem<Status429TooManyRequests> RateLimited(long retryAfterSeconds) =>
        Of<Status429TooManyRequests>("rate_limited", "Too many requests", $"Over the request limit; retry in {retryAfterSeconds} s.");

    /// <summary>The default code for a bare status (unknown routes, wrong methods).</summary>
    public static string CodeFor(int status) => status switch
    {
        400 => "bad_request",
        401 => "unauthorized",
        403 => "forbidden",
        404 => "not_found",
        405 => "method_not_allowed",
        406 => "not_acceptable",
        408 => "request_timeout",
        409 => "conflict",
        413 => "payload_too_large",
        415 => "unsupported_media_type",
        429 => "rate_limited",
        431 => "headers_too_large",
        503 => "unavailable",
        _ when status >= 500 => "internal_error",
        _ => "error",
    };
}
