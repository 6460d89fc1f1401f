using Microsoft.Extensions.Time.Testing;

namespace SessionGrains.Tests.Infrastructure;

/// <summary>One real host on SQLite shared by the API tests of a collection, with the session clock faked.</summary>
public sealed class SiloFixture : IAsyncLifetime
{
    private readonly SqliteDatabases _databases = new();

    /// <summary>Starts on a whole second, so every time the API reports is exact to the millisecond.</summary>
    public FakeTimeProvider Time { get; } = new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));

    public TestSilo Silo { get; private set; } = null!;

    public ApiClient Api => Silo.Api;

    public async Task InitializeAsync()
    {
        var database = await _databases.CreateAsync(CancellationToken.None);
        Silo = await TestSilo.StartAsync(SiloSettings.Fresh(database) with { Time = Time });
    }

    public async Task DisposeAsync()
    {
        await Silo.DisposeAsync();
        await _databases.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class SiloCollection : ICollectionFixture<SiloFixture>
{
    public const string Name = "silo";
}
