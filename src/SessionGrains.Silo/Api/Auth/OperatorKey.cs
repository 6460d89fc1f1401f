using SessionGrains.Grains.Security;

namespace SessionGrains.Silo.Api.Auth;

/// <summary>The hash of the operator key, held in memory; set once at start.</summary>
public sealed class OperatorKey
{
    private byte[]? _hash;

    /// <summary>Sets the hash of the key in force.</summary>
    public void Set(byte[] hash) => _hash = hash;

    /// <summary>True when <paramref name="presented"/> is the operator key (constant time).</summary>
    public bool Matches(string presented) =>
        _hash is { } hash && Secrets.HashesEqual(Secrets.Hash(presented), hash);
}
