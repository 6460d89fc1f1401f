using System.Net;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using SessionGrains.Tests.Infrastructure;

namespace SessionGrains.Tests.Api;

/// <summary>
/// Records past the configured retention are purged in the background, on the session clock;
/// younger ones stay; a retention or purge interval under one is refused at start.
/// </summary>
[Trait("Category", "Cluster")]
public sealed class AuditRetentionTests(SqliteDatabases databases) : IClassFixture<SqliteDatabases>
{
    private const string Tenant = "/api/v1/tenants/acme";

    [Fact]
    public async Task Records_older_than_the_retention_are_purged_and_younger_ones_kept()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
        var settings = SiloSettings.Fresh(await databases.CreateAsync(CancellationToken.None)) with
        {
            Time = time,
            Configuration = ["SessionGrains:Audit:RetentionDays=30", "SessionGrains:Audit:PurgeIntervalSeconds=60"],
        };
        await using var silo = await TestSilo.StartAsync(settings);
        var api = silo.Api;
        await api.CreateTenantAsync("acme");
        (await api.PostAsync($"{Tenant}/users/old/logout", api.OperatorKey, null)).Expect(HttpStatusCode.OK);
        time.Advance(TimeSpan.FromDays(20));
        (await api.PostAsync($"{Tenant}/users/young/logout", api.OperatorKey, null)).Expect(HttpStatusCode.OK);
        Assert.Equal(["young", "old"], await TargetsAsync(api));

        // 31 days after the first record: past its retention, not past the second's; the next purge round takes it.
        time.Advance(TimeSpan.FromDays(11));
        await Poll.UntilAsync(
            async _ => (await TargetsAsync(api)).SequenceEqual(["young"]),
            TimeSpan.FromSeconds(20),
            () => "the record past retention was not purged",
            CancellationToken.None);

        // The tenant's creation, as old as the first logout, went with it.
        Assert.Equal(1, (await api.GetAsync($"{Tenant}/audit", api.OperatorKey)).Expect(HttpStatusCode.OK).Json["total"]!.GetValue<long>());
    }

    [Theory]
    [InlineData("SessionGrains:Audit:RetentionDays=0", "RetentionDays")]
    [InlineData("SessionGrains:Audit:PurgeIntervalSeconds=-5", "PurgeIntervalSeconds")]
    public async Task A_retention_or_purge_interval_under_one_is_refused_at_start(string setting, string named)
    {
        var settings = SiloSettings.Fresh(await databases.CreateAsync(CancellationToken.None)) with { Configuration = [setting] };
        var error = await Assert.ThrowsAsync<OptionsValidationException>(async () => await TestSilo.StartAsync(settings));
        Assert.Contains(named, error.Message, StringComparison.Ordinal);
    }

    private static async Task<string[]> TargetsAsync(ApiClient api) =>
        [.. (await api.GetAsync($"{Tenant}/audit?action=user.logout", api.OperatorKey)).Expect(HttpStatusCode.OK).Json["items"]!.AsArray()
            .Select(i => i!["target"]!.GetValue<string>())];
}
