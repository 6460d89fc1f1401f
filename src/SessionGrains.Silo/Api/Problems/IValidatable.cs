namespace SessionGrains.Silo.Api.Problems;

/// <summary>
/// A request (body or query) that can say what is wrong with it. The validation filter asks every
/// such argument of an endpoint before its handler runs, so a handler only ever sees valid input.
/// </summary>
public interface IValidatable
{
    /// <summary>Records every problem of this request in <paramref name="validator"/>.</summary>
    void Validate(Validator validator);
}
