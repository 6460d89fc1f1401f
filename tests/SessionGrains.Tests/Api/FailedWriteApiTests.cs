using System.Net;
using Microsoft.Extensions.DependencyInjection;
using SessionGrains.Tests.Infrastructure;
using SessionGrains.Tests.Infrastructure.Faults;

namespace SessionGrains.Tests.Api;

/// <summary>
/// A change whose write failed answers <c>503 unavailable</c>, not success
/// and not a 500, and changes nothing: the real host, its grain storage failing writes on demand.
/// </summary>
[Trait("Category", "Cluster")]
public sealed class FailedWriteApiTests(SqliteDatabases databases) : IClassFixture<SqliteDatabases>
{
    private const string Tenant = "/api/v1/tenants/acme";

    [Fact]
    public async Task Policy_logout_all_denylist_sign_in_and_terminate_whose_writes_fail_answer_503_and_change_nothing()
    {
        var database = await databases.CreateAsync(CancellationToken.None);
        await using var silo = await TestSilo.StartAsync(SiloSettings.Fresh(database), configure: services => services.AddFaults());
        var api = silo.Api;
        var key = api.OperatorKey;
        await api.CreateTenantAsync("acme");
        var faults = silo.Services.GetRequiredService<SiloFaults>();
        var policy = new { idleTimeoutSeconds = 60, absoluteLifetimeSeconds = 600, maxSessionsPerUser = 1, onSessionLimit = "deny", refreshReuseGraceSeconds = 0 };

        faults.FailWritesOf = "tenant";
        AssertUnavailable(await api.PutAsync($"{Tenant}/policy", key, policy));
        AssertUnavailable(await api.PostAsync($"{Tenant}/logout-all", key, new { }));
        faults.FailWritesOf = "user";
        AssertUnavailable(await api.PutAsync($"{Tenant}/users/u-1/denylist", key, new { reason = "test" }));
        var service = (await api.CreateKeyAsync("acme", "service")).Key;
        var signedIn = await api.SignInAsync("acme", service, "u-2");
        faults.FailWritesOf = "session";
        AssertUnavailable(await api.PostAsync($"{Tenant}/sessions", service, new { userId = "u-3", clientId = "portal", ipAddress = "10.0.0.1" }));
        AssertUnavailable(await api.DeleteAsync($"{Tenant}/sessions/{signedIn.Str("sessionId")}", key));
        faults.FailWritesOf = null;

        Assert.Equal("active", (await api.GetAsync($"{Tenant}/sessions/{signedIn.Str("sessionId")}", key)).Expect(HttpStatusCode.OK).Json.Str("status"));
        Assert.Equal(1, (await api.GetAsync($"{Tenant}/sessions?status=all", key)).Expect(HttpStatusCode.OK).Json["total"]!.GetValue<int>());
        var tenant = (await api.GetAsync(Tenant, key)).Expect(HttpStatusCode.OK).Json;
        Assert.Equal(0, tenant["policy"]!["maxSessionsPerUser"]!.GetValue<int>());
        (await api.DeleteAsync($"{Tenant}/users/u-1/denylist", key)).ExpectProblem(HttpStatusCode.NotFound, "user_not_denylisted");
    }

    [Fact]
    public async Task An_action_whose_audit_record_cannot_be_stored_answers_503_not_success()
    {
        var database = await databases.CreateAsync(CancellationToken.None);
        await using var silo = await TestSilo.StartAsync(SiloSettings.Fresh(database));
        var api = silo.Api;
        await api.CreateTenantAsync("acme");
        var service = (await api.CreateKeyAsync("acme", "service")).Key;
        var first = await api.SignInAsync("acme", service, "u-1");
        var second = await api.SignInAsync("acme", service, "u-2");

        // The audit table refuses every insert, as a full disk or a lost database would.
        await database.ExecuteAsync(
            "CREATE TRIGGER RefuseAudit BEFORE INSERT ON AuditLog BEGIN SELECT RAISE(ABORT, 'audit refused'); END;", CancellationToken.None);
        AssertUnavailable(await api.DeleteAsync($"{Tenant}/sessions/{first.Str("sessionId")}", api.OperatorKey));
        AssertUnavailable(await api.PostAsync($"{Tenant}/users/u-9/logout", api.OperatorKey, null));

        // A session's end and its record are stored in one write: neither happened.
        Assert.True((await api.ValidateAsync("acme", service, first.Str("token")))["active"]!.GetValue<bool>());

        // Reads and the platform's own traffic do not depend on the log.
        (await api.GetAsync($"{Tenant}/sessions", api.OperatorKey)).Expect(HttpStatusCode.OK);
        Assert.True((await api.ValidateAsync("acme", service, second.Str("token")))["active"]!.GetValue<bool>());

        await database.ExecuteAsync("DROP TRIGGER RefuseAudit;", CancellationToken.None);
        (await api.DeleteAsync($"{Tenant}/sessions/{second.Str("sessionId")}", api.OperatorKey)).Expect(HttpStatusCode.NoContent);
        var log = (await api.GetAsync($"{Tenant}/audit?action=session.terminate", api.OperatorKey)).Expect(HttpStatusCode.OK).Json;
        Assert.Equal(second.Str("sessionId"), Assert.Single(log["items"]!.AsArray())!["target"]!.GetValue<string>());
    }

    private static void AssertUnavailable(Response response) =>
        response.ExpectProblem(HttpStatusCode.ServiceUnavailable, "unavailable");
}
