using SessionGrains.Silo.Api.Problems;

namespace SessionGrains.Silo.Api.OAuth;

/// <summary>The OAuth routes' own refusals, as problems that are also RFC 6749 §5.2 error responses.</summary>
public static class OAuthProblems
{
    /// <summary>The realm of the Basic challenge that comes with <see cref="InvalidClient"/>.</summary>
    public const string Realm = "SessionGrains OAuth";

    /// <summary>401: client authentication failed (none, another scheme, malformed, or a key id and key that do not go together).</summary>
    public static ApiProblem<Status401Unauthorized> InvalidClient() => ApiProblem.OAuthError<Status401Unauthorized>(
        "invalid_client", "Invalid client",
        "Client authentication failed: HTTP Basic is required, with a service key's id as the user name and the key as the password.");

    /// <summary>400: the request is not a form with exactly one <c>token</c> (and at most one <c>token_type_hint</c>).</summary>
    public static ApiProblem<Status400BadRequest> InvalidRequest(string detail) =>
        ApiProblem.OAuthError<Status400BadRequest>("invalid_request", "Invalid request", detail);
}
