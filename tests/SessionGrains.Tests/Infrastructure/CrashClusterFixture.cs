namespace SessionGrains.Tests.Infrastructure;

/// <summary>
/// A two-silo cluster of its own for tests that kill a silo, so the shared cluster of the other
/// grain tests is never left with one silo.
/// </summary>
public sealed class CrashClusterFixture : GrainClusterFixture;
