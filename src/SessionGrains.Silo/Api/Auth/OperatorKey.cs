using SessionGrains.Grains.Security;

namespace SessionGrains.Silo.Api.Auth;

/// <summary>The hash of the operator key, held in memory; set once at start.</summary>
public sealed class OperatorKey
{
    /// <summary>The shortest configured operator key accepted.</summary>
    public const int MinimumLength = 32;

    /// <summary>The longest operator key (the contract's limit): nothing longer is hashed or accepted.</summary>
    public const int MaximumLength = 256;

    /// <summary>What the k8s/ secret files hold until someone replaces them.</summary>
    public const string Placeholder = "REPLACE-ME";

    private byte[]? _hash;

    /// <summary>
    /// Why a configured key must not be put in force, or null when it may: the key that opens
    /// every tenant must not be one written in the repository (the manifests' placeholder), nor
    /// short, nor longer than any request can present.
    /// </summary>
    public static string? Refusal(string configured) =>
        configured.Contains(Placeholder, StringComparison.OrdinalIgnoreCase) || configured.Length is < MinimumLength or > MaximumLength
            ? $"SessionGrains__Auth__OperatorKey is a placeholder or shorter than {MinimumLength} characters (or longer than {MaximumLength}): set a random key (e.g. sgo. and 64 hex digits)."
            : null;

    /// <summary>Sets the hash of the key in force.</summary>
    public void Set(byte[] hash) => _hash = hash;

    /// <summary>True when <paramref name="presented"/> is the operator key (constant time).</summary>
    public bool Matches(string presented) =>
        _hash is { } hash && Secrets.HashesEqual(Secrets.Hash(presented), hash);
}
