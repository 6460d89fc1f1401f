using Microsoft.Extensions.Time.Testing;

namespace SessionGrains.Tests.Infrastructure;

/// <summary>One real host shared by the API tests of a collection, with the session clock faked.</summary>
public sealed class SiloFixture : IAsyncLifetime
{
    /// <summary>Starts on a whole second, so every time the API reports is exact to the millisecond.</summary>
    public FakeTimeProvider Time { get; } = new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));

    public TestSilo Silo { get; private set; } = null!;

    public ApiClient Api => Silo.Api;

    public async Task InitializeAsync() => Silo = await TestSilo.StartAsync(SiloSettings.Fresh(), Time);

    public async Task DisposeAsync()
    {
        await Silo.DisposeAsync();
        Silo.Settings.DeleteDatabase();
    }
}

[CollectionDefinition(Name)]
public sealed class SiloCollection : ICollectionFixture<SiloFixture>
{
    public const string Name = "silo";
}
