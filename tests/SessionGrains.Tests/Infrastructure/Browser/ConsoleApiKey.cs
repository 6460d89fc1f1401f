namespace SessionGrains.Tests.Infrastructure.Browser;

/// <summary>
/// An API key made for signing in to the console: where it works (<paramref name="Site"/>, the
/// silo's base address), its tenant, id, secret, name, role and microtenant.
/// </summary>
public sealed record ConsoleApiKey(
    Uri Site, string TenantId, string KeyId, string Key, string Name, string Role, string? MicrotenantId = null)
{
    /// <summary>The role and name only: the secret stays out of test names and logs.</summary>
    public override string ToString() => $"{Name} ({Role}) of {TenantId}";
}
