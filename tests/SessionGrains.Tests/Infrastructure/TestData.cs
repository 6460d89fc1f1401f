using SessionGrains.Sessions;

namespace SessionGrains.Tests.Infrastructure;

/// <summary>Unique names and ready-made sign-ins, so tests sharing a cluster never collide.</summary>
public static class TestData
{
    public static string Id(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 13)];

    public static SignIn SignIn(string userId, string clientId = "portal", string? microtenantId = null) => new(
        userId, $"{userId}@acme.test", "Chrome on Mac", SessionKind.User, null, clientId, "browser", "okta",
        "203.0.113.7", "Mozilla/5.0", microtenantId, new DeviceInfo("d-1", "ada-mbp", "macOS 15.1"), """{"groups":"eng"}""");
}
