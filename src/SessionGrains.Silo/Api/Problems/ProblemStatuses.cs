namespace SessionGrains.Silo.Api.Problems;

/// <summary>A status code as a type, for <see cref="ApiProblem{TStatus}"/>.</summary>
public interface IProblemStatus
{
    /// <summary>The HTTP status code.</summary>
    static abstract int Code { get; }
}

/// <summary>400 Bad Request (the OAuth routes' <c>invalid_request</c>; validation failures elsewhere are <see cref="ApiProblem.Validation"/>).</summary>
public sealed class Status400BadRequest : IProblemStatus
{
    /// <inheritdoc/>
    public static int Code => StatusCodes.Status400BadRequest;
}

/// <summary>401 Unauthorized.</summary>
public sealed class Status401Unauthorized : IProblemStatus
{
    /// <inheritdoc/>
    public static int Code => StatusCodes.Status401Unauthorized;
}

/// <summary>403 Forbidden.</summary>
public sealed class Status403Forbidden : IProblemStatus
{
    /// <inheritdoc/>
    public static int Code => StatusCodes.Status403Forbidden;
}

/// <summary>404 Not Found.</summary>
public sealed class Status404NotFound : IProblemStatus
{
    /// <inheritdoc/>
    public static int Code => StatusCodes.Status404NotFound;
}

/// <summary>409 Conflict.</summary>
public sealed class Status409Conflict : IProblemStatus
{
    /// <inheritdoc/>
    public static int Code => StatusCodes.Status409Conflict;
}

/// <summary>429 Too Many Requests.</summary>
public sealed class Status429TooManyRequests : IProblemStatus
{
    /// <inheritdoc/>
    public static int Code => StatusCodes.Status429TooManyRequests;
}
