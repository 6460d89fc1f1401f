using SessionGrains.Silo.Health;
using SessionGrains.Tests.Infrastructure;

namespace SessionGrains.Tests.Api;

/// <summary>
/// The silo's <c>--health-probe</c> mode, as the container's HEALTHCHECK runs it: the built
/// SessionGrains.Silo.dll started by the dotnet host against a real silo's health routes.
/// </summary>
[Trait("Category", "Cluster")]
[Collection(SiloCollection.Name)]
public sealed class HealthProbeTests(SiloFixture fixture)
{
    private static readonly TimeSpan ProbeLimit = TimeSpan.FromSeconds(30);

    [Theory]
    [InlineData(HealthRoutes.Live)]
    [InlineData(HealthRoutes.Ready)]
    public async Task A_healthy_route_exits_0(string route)
    {
        var probe = await ProbeAsync(new Uri(fixture.Silo.Settings.BaseAddress, route).ToString());
        Assert.True(probe.ExitCode == 0, probe.Error);
    }

    [Fact]
    public async Task A_route_that_does_not_answer_2xx_exits_1_and_says_why()
    {
        var probe = await ProbeAsync(new Uri(fixture.Silo.Settings.BaseAddress, "/health/none").ToString());
        Assert.Equal(1, probe.ExitCode);
        Assert.Contains("404", probe.Error);
    }

    [Fact]
    public async Task A_port_nobody_listens_on_exits_1()
    {
        var port = FreePorts.Take(1)[0];
        var probe = await ProbeAsync($"http://127.0.0.1:{port}{HealthRoutes.Live}");
        Assert.Equal(1, probe.ExitCode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a url")]
    [InlineData("https://127.0.0.1:1/health/live")]
    public async Task A_bad_command_line_exits_2_without_starting_a_silo(string url)
    {
        var probe = await ProbeAsync(url);
        Assert.Equal(2, probe.ExitCode);
        Assert.Contains(HealthProbe.Argument, probe.Error);
    }

    private static Task<ChildProcess> ProbeAsync(string url) => ChildProcess.RunAsync(
        "dotnet",
        url.Length == 0
            ? [Path.Combine(AppContext.BaseDirectory, "SessionGrains.Silo.dll"), HealthProbe.Argument]
            : [Path.Combine(AppContext.BaseDirectory, "SessionGrains.Silo.dll"), HealthProbe.Argument, url],
        ProbeLimit,
        TestFolder.Create());
}
