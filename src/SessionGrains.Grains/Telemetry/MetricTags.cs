using SessionGrains.Sessions;

namespace SessionGrains.Grains.Telemetry;

/// <summary>
/// The tag names of <see cref="SessionGrainsMetrics"/> and their values: each value is one word of
/// a fixed set, spelled as the HTTP contract spells it where it has a word for it (end reasons,
/// validate reasons, error codes), so a dashboard reads as the API does.
/// </summary>
public static class MetricTags
{
    /// <summary>The outcome of a sign-in or a validation.</summary>
    public const string Result = "result";

    /// <summary>Why a session ended.</summary>
    public const string Reason = "reason";

    private static readonly Dictionary<SignInError, string> SignInErrors = new()
    {
        [SignInError.UserDenylisted] = "user_denylisted",
        [SignInError.SessionLimitReached] = "session_limit_reached",
    };

    /// <summary>Every value <see cref="Of(EndReason)"/> gives.</summary>
    public static IReadOnlyCollection<string> EndReasonValues => [.. Enum.GetValues<EndReason>().Select(r => r.Name())];

    /// <summary><c>reason</c> of a session end.</summary>
    public static string Of(EndReason reason) => reason.Name();

    /// <summary><c>result</c> of a validation: <c>active</c>, or why not.</summary>
    public static string Of(InactiveReason? inactive) => inactive is { } reason ? reason.Name() : "active";

    /// <summary><c>result</c> of a sign-in: <c>created</c>, or the error code that refused it.</summary>
    public static string Of(SignInError? error) => error is { } refused ? SignInErrors[refused] : "created";
}
