using Microsoft.Data.Sqlite;
using SessionGrains.Grains.SessionTable;
using SessionGrains.Grains.Security;
using SessionGrains.SessionTable;
using SessionGrains.Sessions;
using SessionGrains.Tenants;
using SessionGrains.Tests.Infrastructure;

namespace SessionGrains.Tests.Grains;

/// <summary>
/// Ended sessions stay listed for the retention period, then a shard's sweep removes them from the
/// table and from storage; live sessions are never purged, however old.
/// </summary>
[Trait("Category", "Cluster")]
[Collection(GrainClusterCollection.Name)]
public sealed class RetentionGrainTests(GrainClusterFixture fixture)
{
    /// <summary>No idle timeout and no lifetime, so a session is still live after the retention period.</summary>
    private static readonly TenantPolicy Forever = new(0, 0, 0, SessionLimitAction.Deny, 0);

    private static readonly TimeSpan Retention = new SessionTableOptions().Retention;

    private readonly TenantDriver _tenant = new(fixture.Grains, TestData.Id("t"), 4);

    private SessionTableReader Table => fixture.Cluster.TableOn(fixture.Cluster.Silos[0].SiloAddress);

    private async Task<int> SweepAllShardsAsync()
    {
        var purged = await Task.WhenAll(Enumerable.Range(0, _tenant.Shards).Select(s => _tenant.Shard(s).Sweep()));
        return purged.Sum();
    }

    private async Task<IReadOnlyDictionary<string, SessionRow>> ListedAsync() =>
        (await _tenant.ListAllAsync(Table)).Items.ToDictionary(s => s.SessionId);

    /// <summary>Whether the session's row is in the SQLite file, read directly rather than through any grain.</summary>
    private async Task<bool> StoredAsync(string sessionId)
    {
        await using var connection = new SqliteConnection(fixture.Database.ConnectionString);
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT COUNT(*) FROM Sessions WHERE TenantId = $tenant AND SessionId = $session";
        command.Parameters.AddWithValue("$tenant", _tenant.TenantId);
        command.Parameters.AddWithValue("$session", sessionId);
        return (long)(await command.ExecuteScalarAsync())! == 1;
    }

    private async Task LogoutAsync(SessionTokens tokens) =>
        Assert.True(await _tenant.Session(tokens.SessionId).Logout(TenantDriver.HashOf(tokens.Token, SecretKind.AccessToken)));

    [Fact]
    public async Task An_ended_session_stays_listed_and_stored_within_the_retention_period()
    {
        await _tenant.CreateAsync();
        var ended = await _tenant.SignInAsync("ada", policy: Forever);
        await LogoutAsync(ended);
        fixture.Time.Advance(Retention - TimeSpan.FromMinutes(1));

        Assert.Equal(0, await SweepAllShardsAsync());

        var row = (await ListedAsync())[ended.SessionId];
        Assert.Equal(SessionStatus.Terminated, row.Status);
        Assert.Equal(EndReason.UserLogout, row.EndReason);
        Assert.True(await StoredAsync(ended.SessionId));
    }

    [Fact]
    public async Task After_the_retention_period_a_sweep_purges_ended_sessions_from_the_table_and_storage_but_keeps_live_ones()
    {
        await _tenant.CreateAsync();
        var live = await _tenant.SignInAsync("ada", policy: Forever);
        var loggedOut = await _tenant.SignInAsync("ada", policy: Forever);
        await LogoutAsync(loggedOut);
        // Never touched after sign-in: stored as active, ended only by the clock. The sweep must
        // judge it by when it expired, not by its stored status.
        var idle = await _tenant.SignInAsync("bob", policy: Forever with { IdleTimeoutSeconds = 60 });
        var listed = await ListedAsync();
        Assert.Equal(EndReason.UserLogout, listed[loggedOut.SessionId].EndReason);
        Assert.Equal(SessionStatus.Active, listed[idle.SessionId].Status);

        fixture.Time.Advance(Retention + TimeSpan.FromMinutes(5));
        await SweepAllShardsAsync();

        listed = await ListedAsync();
        Assert.Equal(live.SessionId, Assert.Single(listed.Keys));
        Assert.False(await StoredAsync(loggedOut.SessionId));
        Assert.False(await StoredAsync(idle.SessionId));
        Assert.True(await StoredAsync(live.SessionId));

        // A fresh activation reads storage: the purged session is gone for good, the live one is not.
        await fixture.Cluster.DeactivateAsync(_tenant.Session(loggedOut.SessionId));
        await fixture.Cluster.DeactivateAsync(_tenant.Session(live.SessionId));
        Assert.Null(await _tenant.Session(loggedOut.SessionId).GetDetails());
        Assert.Equal(InactiveReason.Unknown, (await _tenant.ValidateAsync(loggedOut)).Reason);
        Assert.True((await _tenant.ValidateAsync(live)).Active);
    }
}
