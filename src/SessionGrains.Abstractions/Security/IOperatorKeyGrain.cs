namespace SessionGrains.Security;

/// <summary>
/// Holds the hash of the generated development operator key (single grain, key <see cref="Key"/>).
/// Used only when no operator key is configured.
/// </summary>
public interface IOperatorKeyGrain : IGrainWithStringKey
{
    /// <summary>The one key this grain is used with.</summary>
    const string Key = "dev";

    /// <summary>
    /// Returns the stored hash; when there is none (or <paramref name="reset"/> is set) generates a
    /// key, stores its hash and returns the clear key too, the only time it is ever seen.
    /// </summary>
    Task<GeneratedOperatorKey> Ensure(bool reset);
}

/// <summary>The operator key's hash, and the clear key when it was just generated.</summary>
[GenerateSerializer, Immutable]
public sealed record GeneratedOperatorKey(
    [property: Id(0)] byte[] Hash,
    [property: Id(1)] string? NewKey);
