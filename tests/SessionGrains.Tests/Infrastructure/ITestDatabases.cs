namespace SessionGrains.Tests.Infrastructure;

/// <summary>
/// Hands out fresh, empty databases of one provider and removes them all when disposed, so a test
/// written once runs on each provider by taking the matching source.
/// </summary>
public interface ITestDatabases : IAsyncLifetime
{
    Task<TestDatabase> CreateAsync(CancellationToken cancellationToken);
}
