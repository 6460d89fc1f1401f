using System.Diagnostics;
using System.Net;
using SessionGrains.Tests.Infrastructure;
using Xunit.Abstractions;

namespace SessionGrains.Tests.Api;

/// <summary>
/// Invariant 5 with real processes: two silos of one cluster on PostgreSQL, one of them stopped
/// with SIGSTOP while it holds a tenant's keys. A key deletion made through the other cannot
/// reach it; the deletion returns success only once the stopped silo's lease has run out, or
/// answers 503 and changes nothing; and the silo, resumed, refuses a deleted key at once: its lease
/// ran out by its own monotonic clock while it was stopped, so it asks again before it answers.
/// </summary>
[Trait("Category", "Cluster")]
[Collection(PostgresCollection.Name)]
public sealed class PausedSiloTests(PostgresDatabases databases, ITestOutputHelper output)
{
    private const string Tenant = "acme";
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(3);

    /// <summary>
    /// The resumed silo refuses the deleted key; or, when it was stopped longer than the cluster
    /// waits for a silent member (about 6 s), the others declared it dead and it stops itself on
    /// waking, answering nothing or 503 meanwhile. Never does it accept the key.
    /// </summary>
    private async Task ExpectRefusedOrDeclaredDeadAsync(SiloProcess paused, ApiClient viaPaused, string key)
    {
        Response? answer = null;
        try
        {
            answer = await viaPaused.PostAsync($"/api/v1/tenants/{Tenant}/sessions/validate", key, new { token = "sga.not-a-token" });
        }
        catch (HttpRequestException)
        {
            // Stopping or gone: see below.
        }

        if (answer?.Status == HttpStatusCode.Unauthorized)
        {
            answer.ExpectProblem(HttpStatusCode.Unauthorized, "unauthorized");
            return;
        }

        Assert.True(answer is null || answer.Status == HttpStatusCode.ServiceUnavailable, $"The resumed silo answered {answer?.Status}: {answer?.Body}");
        await Poll.UntilAsync(_ => Task.FromResult(paused.HasExited), TimeSpan.FromSeconds(40),
            () => $"The resumed silo neither refused the key nor stopped as a silo declared dead.\n{paused.Output}", CancellationToken.None);
        output.WriteLine("The stopped silo was declared dead meanwhile and stopped itself when resumed.");
    }

    [Fact]
    public async Task A_key_deleted_while_a_silo_is_stopped_is_refused_by_it_once_it_resumes()
    {
        var database = await databases.CreateAsync(CancellationToken.None);
        var settings = SiloSettings.Fresh(database) with
        {
            Configuration = [$"SessionGrains:TenantCache:LeaseSeconds={Lease.TotalSeconds}"],
        };

        // The tenant, its grain and its keys come first, on the silo that stays up: the grain
        // that makes the change must not be the one stopped.
        await using var staying = await SiloProcess.StartAsync(settings);
        using var viaStaying = new ApiClient(settings.BaseAddress, SiloSettings.TestOperatorKey, TimeSpan.FromSeconds(120));
        await viaStaying.CreateTenantAsync(Tenant);
        var (keyId, key) = await viaStaying.CreateKeyAsync(Tenant, "service");

        var pausedSettings = settings with { Ports = SiloPorts.Free() };
        await using var paused = await SiloProcess.StartAsync(pausedSettings);
        using var viaPaused = new ApiClient(pausedSettings.BaseAddress, SiloSettings.TestOperatorKey);
        Assert.False((await viaPaused.ValidateAsync(Tenant, key, "sga.not-a-token"))["active"]!.GetValue<bool>());

        paused.Pause();
        var clock = Stopwatch.StartNew();
        var deletion = await viaStaying.DeleteAsync($"/api/v1/tenants/{Tenant}/api-keys/{keyId}", viaStaying.OperatorKey);
        var took = clock.Elapsed;
        paused.Resume();
        output.WriteLine($"The deletion answered {(int)deletion.Status} after {took}.");

        if (deletion.Status == HttpStatusCode.ServiceUnavailable)
        {
            // The guarantee could not be given (the runtime had to ask the stopped silo where the
            // tenant grain lives): nothing changed, and the same call succeeds once the silo is back.
            deletion.ExpectProblem(HttpStatusCode.ServiceUnavailable, "unavailable");
            Assert.False((await viaStaying.ValidateAsync(Tenant, key, "sga.not-a-token"))["active"]!.GetValue<bool>());
            (await viaStaying.DeleteAsync($"/api/v1/tenants/{Tenant}/api-keys/{keyId}", viaStaying.OperatorKey))
                .Expect(HttpStatusCode.NoContent);
        }
        else
        {
            // Stored, and returned only once the stopped silo's lease had run out.
            deletion.Expect(HttpStatusCode.NoContent);
            Assert.True(took >= Lease, $"The deletion returned after {took}, before the stopped silo's lease of {Lease} ran out.");
        }

        await ExpectRefusedOrDeclaredDeadAsync(paused, viaPaused, key);
        (await viaStaying.PostAsync($"/api/v1/tenants/{Tenant}/sessions/validate", key, new { token = "sga.not-a-token" }))
            .ExpectProblem(HttpStatusCode.Unauthorized, "unauthorized");

        // Bounded either way: by the lease when the tenant grain is found without the stopped silo,
        // else by the runtime's own wait for it (30 s), not by how long the silo stays stopped.
        Assert.True(took < TimeSpan.FromSeconds(45), $"The deletion took {took}.");
    }
}
