using Microsoft.Extensions.DependencyInjection;
using System.Net;
using SessionGrains.Tests.Infrastructure;

namespace SessionGrains.Tests.Api;

/// <summary>
/// A 201 means stored: sessions, ends and keys survive a graceful restart and a kill of the
/// silo on the same database. Live tokens still validate afterwards; ended ones do not. Runs on
/// each provider.
/// </summary>
public abstract class DurabilityTests(ITestDatabases databases)
{
    private async Task<SiloSettings> FreshAsync(string? operatorKey = SiloSettings.TestOperatorKey) =>
        SiloSettings.Fresh(await databases.CreateAsync(CancellationToken.None), operatorKey);

    private const string Tenant = "durable";

    private sealed record World(string ServiceKey, string LiveToken, string LiveRefresh, string LoggedOutToken, string RotatedToken, string RotatedNewToken, string DeletedKey);

    /// <summary>Creates sessions in every state the restart must preserve.</summary>
    private static async Task<World> BuildAsync(ApiClient api)
    {
        await api.CreateTenantAsync(Tenant);
        var service = (await api.CreateKeyAsync(Tenant, "service")).Key;
        var deleted = await api.CreateKeyAsync(Tenant, "service");
        (await api.DeleteAsync($"/api/v1/tenants/{Tenant}/api-keys/{deleted.KeyId}", api.OperatorKey)).Expect(HttpStatusCode.NoContent);

        var live = await api.SignInAsync(Tenant, service, "ada");
        var loggedOut = await api.SignInAsync(Tenant, service, "grace");
        (await api.PostAsync($"/api/v1/tenants/{Tenant}/sessions/logout", service, new { token = loggedOut.Str("token") })).Expect(HttpStatusCode.NoContent);
        var rotated = await api.SignInAsync(Tenant, service, "linus");
        var refreshed = (await api.PostAsync($"/api/v1/tenants/{Tenant}/sessions/refresh", service, new { refreshToken = rotated.Str("refreshToken") }))
            .Expect(HttpStatusCode.OK).Json;

        // Validations before the stop: activity that is only written behind must not break anything.
        await api.ValidateAsync(Tenant, service, live.Str("token"));
        return new World(service, live.Str("token"), live.Str("refreshToken"), loggedOut.Str("token"), rotated.Str("token"), refreshed.Str("token"), deleted.Key);
    }

    private static async Task AssertSurvivedAsync(ApiClient api, World world)
    {
        Assert.True((await api.ValidateAsync(Tenant, world.ServiceKey, world.LiveToken))["active"]!.GetValue<bool>());
        Assert.True((await api.ValidateAsync(Tenant, world.ServiceKey, world.RotatedNewToken))["active"]!.GetValue<bool>());
        Assert.Equal("terminated", (await api.ValidateAsync(Tenant, world.ServiceKey, world.LoggedOutToken)).Str("reason"));
        Assert.Equal("unknown", (await api.ValidateAsync(Tenant, world.ServiceKey, world.RotatedToken)).Str("reason"));
        (await api.PostAsync($"/api/v1/tenants/{Tenant}/sessions/validate", world.DeletedKey, new { token = world.LiveToken }))
            .ExpectProblem(HttpStatusCode.Unauthorized, "unauthorized");
        (await api.PostAsync($"/api/v1/tenants/{Tenant}/sessions/refresh", world.ServiceKey, new { refreshToken = world.LiveRefresh }))
            .Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Everything_survives_a_graceful_restart()
    {
        var settings = await FreshAsync();
        World world;
        await using (var first = await TestSilo.StartAsync(settings))
        {
            world = await BuildAsync(first.Api);
            await first.StopAsync();
        }

        await using var second = await TestSilo.StartAsync(settings);

        // The restarted silo loads the session table by itself, before anyone asks for it.
        var warmup = second.Services.GetRequiredService<SessionGrains.Silo.SessionTable.SessionTableWarmup>();
        Assert.Equal(3, await warmup.Completed.WaitAsync(TimeSpan.FromSeconds(30)));
        await AssertSurvivedAsync(second.Api, world);
    }

    [Fact]
    public async Task Activity_held_in_memory_is_written_when_the_silo_stops_gracefully()
    {
        var time = new Microsoft.Extensions.Time.Testing.FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
        var settings = (await FreshAsync()) with { Time = time };
        string sessionId;
        await using (var first = await TestSilo.StartAsync(settings))
        {
            await first.Api.CreateTenantAsync(Tenant);
            var service = (await first.Api.CreateKeyAsync(Tenant, "service")).Key;
            var session = await first.Api.SignInAsync(Tenant, service, "ada");
            sessionId = session.Str("sessionId");
            time.Advance(TimeSpan.FromSeconds(100));
            await first.Api.ValidateAsync(Tenant, service, session.Str("token"));
            await first.StopAsync();
        }

        await using var second = await TestSilo.StartAsync(settings);
        var details = (await second.Api.GetAsync($"/api/v1/tenants/{Tenant}/sessions/{sessionId}", second.Api.OperatorKey))
            .Expect(HttpStatusCode.OK).Json;
        Assert.Equal(time.GetUtcNow(), DateTimeOffset.Parse(details.Str("lastActivity"), System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Everything_survives_a_killed_silo()
    {
        var settings = await FreshAsync();
        using var api = new ApiClient(settings.BaseAddress, settings.OperatorKey!);
        World world;
        await using (var first = await SiloProcess.StartAsync(settings))
        {
            world = await BuildAsync(api);
            await first.KillAsync();
        }

        await using var second = await SiloProcess.StartAsync(settings);
        await AssertSurvivedAsync(api, world);
    }

    [Fact]
    public async Task An_audit_record_survives_a_killed_silo_once_its_action_has_answered()
    {
        var settings = await FreshAsync();
        using var api = new ApiClient(settings.BaseAddress, settings.OperatorKey!);
        var answered = new List<string>();
        await using (var first = await SiloProcess.StartAsync(settings))
        {
            await api.CreateTenantAsync(Tenant);
            var service = (await api.CreateKeyAsync(Tenant, "service")).Key;
            var sessions = new List<string>();
            for (var i = 0; i < 24; i++)
            {
                sessions.Add((await api.SignInAsync(Tenant, service, $"u-{i}")).Str("sessionId"));
            }

            // Terminations in parallel, so their records share group commits; the kill follows the last answer at once.
            var terminations = sessions.Select(async id =>
            {
                (await api.DeleteAsync($"/api/v1/tenants/{Tenant}/sessions/{id}", api.OperatorKey)).Expect(HttpStatusCode.NoContent);
                return id;
            });
            answered.AddRange(await Task.WhenAll(terminations));
            await first.KillAsync();
        }

        await using var second = await SiloProcess.StartAsync(settings);
        var page = (await api.GetAsync($"/api/v1/tenants/{Tenant}/audit?action=session.terminate&pageSize=100", api.OperatorKey)).Expect(HttpStatusCode.OK).Json;
        var targets = page["items"]!.AsArray().Select(i => i!["target"]!.GetValue<string>()).Order(StringComparer.Ordinal);
        Assert.Equal(answered.Order(StringComparer.Ordinal), targets);
    }

    [Fact]
    public async Task Development_generates_an_operator_key_once_and_can_reset_it()
    {
        var settings = (await FreshAsync(operatorKey: null)) with { Environment = "Development" };
        string firstKey;
        await using (var first = await SiloProcess.StartAsync(settings))
        {
            firstKey = GeneratedKey(first);
            using var api = new ApiClient(settings.BaseAddress, firstKey);
            (await api.GetAsync("/api/v1/tenants", firstKey)).Expect(HttpStatusCode.OK);
            await first.KillAsync();
        }

        await using (var second = await SiloProcess.StartAsync(settings))
        {
            Assert.DoesNotContain("sgo.", second.Output);
            using var api = new ApiClient(settings.BaseAddress, firstKey);
            (await api.GetAsync("/api/v1/tenants", firstKey)).Expect(HttpStatusCode.OK);
            await second.KillAsync();
        }

        await using var third = await SiloProcess.StartAsync(settings with { ResetOperatorKey = true });
        var newKey = GeneratedKey(third);
        using var client = new ApiClient(settings.BaseAddress, newKey);
        (await client.GetAsync("/api/v1/tenants", firstKey)).ExpectProblem(HttpStatusCode.Unauthorized, "unauthorized");
        (await client.GetAsync("/api/v1/tenants", newKey)).Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Outside_development_the_silo_refuses_to_start_without_an_operator_key()
    {
        var settings = await FreshAsync(operatorKey: null);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => SiloProcess.StartAsync(settings));

        Assert.Contains("SessionGrains__Auth__OperatorKey", error.Message);
    }

    [Theory]
    [InlineData("REPLACE-ME-operator-key-as-the-k8s-secret-file-has-it")]
    [InlineData("sgo.too-short")]
    [InlineData("sgo.longer-than-any-request-may-present-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef")]
    public async Task The_silo_refuses_to_start_with_a_placeholder_or_short_operator_key(string key)
    {
        var settings = await FreshAsync(operatorKey: key);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => SiloProcess.StartAsync(settings));

        Assert.Contains("placeholder or shorter than 32", error.Message);
        Assert.DoesNotContain(key, error.Message);
    }

    private static string GeneratedKey(SiloProcess silo) => silo.GeneratedOperatorKey ?? throw new Xunit.Sdk.XunitException(silo.Output);
}

[Trait("Category", "Cluster")]
public sealed class SqliteDurabilityTests(SqliteDatabases databases) : DurabilityTests(databases), IClassFixture<SqliteDatabases>;

[Trait("Category", "Cluster")]
[Collection(PostgresCollection.Name)]
public sealed class PostgresDurabilityTests(PostgresDatabases databases) : DurabilityTests(databases);
