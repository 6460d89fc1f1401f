using SessionGrains.Silo.Api.Problems;

namespace SessionGrains.Silo.Api.Sessions;

/// <summary>The answers of a refused sign-in, the same from the lifecycle route and the console's.</summary>
public static class SignInProblems
{
    /// <summary>403 <c>user_denylisted</c>.</summary>
    public static ApiProblem<Status403Forbidden> Denylisted(string userId) => ApiProblem.Of<Status403Forbidden>(
        "user_denylisted", "User denylisted", $"User '{userId}' may not sign in.");

    /// <summary>409 <c>session_limit_reached</c>.</summary>
    public static ApiProblem<Status409Conflict> LimitReached(string userId) => ApiProblem.Of<Status409Conflict>(
        "session_limit_reached", "Session limit reached", $"User '{userId}' has the most sessions the tenant's policy allows.");
}
