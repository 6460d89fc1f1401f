using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using SessionGrains.Grains;
using SessionGrains.Silo.Hosting;

namespace SessionGrains.Tests.Infrastructure;

/// <summary>The real host (silo + HTTP API on Kestrel) started in this process on its own database and ports.</summary>
public sealed class TestSilo : IAsyncDisposable
{
    private readonly WebApplication _app;

    private TestSilo(WebApplication app, SiloSettings settings)
    {
        _app = app;
        Settings = settings;
        Api = new ApiClient(settings.BaseAddress, settings.OperatorKey!);
    }

    public SiloSettings Settings { get; }

    public ApiClient Api { get; }

    public IServiceProvider Services => _app.Services;

    /// <summary>Starts a host; with <paramref name="time"/>, session rules run on that clock.</summary>
    public static async Task<TestSilo> StartAsync(SiloSettings settings, FakeTimeProvider? time = null)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(settings.DatabasePath)!);
        var app = await SiloApp.CreateAsync(settings.Args(), builder =>
        {
            if (time is not null)
            {
                builder.Services.AddKeyedSingleton<TimeProvider>(Clock.Key, time);
            }
        });
        await app.StartAsync();
        return new TestSilo(app, settings);
    }

    /// <summary>A graceful stop: what an orchestrator's SIGTERM does.</summary>
    public async Task StopAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    public async ValueTask DisposeAsync()
    {
        Api.Dispose();
        try
        {
            await StopAsync();
        }
        catch (ObjectDisposedException)
        {
            // Stopped already by the test.
        }
    }
}
