using SessionGrains.Silo.Api.Problems;

namespace SessionGrains.Silo.Api.Sessions;

/// <summary>The answers about one session asked for by id, the same from every route that names one.</summary>
public static class SessionProblems
{
    /// <summary>404 <c>session_not_found</c>.</summary>
    public static ApiProblem<Status404NotFound> NotFound(string sessionId) => ApiProblem.Of<Status404NotFound>(
        "session_not_found", "Session not found", $"There is no session '{sessionId}'.");

    /// <summary>409 <c>session_not_active</c>: the session has ended.</summary>
    public static ApiProblem<Status409Conflict> NotActive(string sessionId) => ApiProblem.Of<Status409Conflict>(
        "session_not_active", "Session not active", $"Session '{sessionId}' has already ended.");
}
