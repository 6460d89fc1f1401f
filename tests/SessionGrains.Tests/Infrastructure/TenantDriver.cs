using Microsoft.Extensions.DependencyInjection;
using Orleans.TestingHost;
using SessionGrains.Grains.SessionTable;
using SessionGrains.Grains.Security;
using SessionGrains.SessionTable;
using SessionGrains.Sessions;
using SessionGrains.Tenants;
using SessionGrains.Users;

namespace SessionGrains.Tests.Infrastructure;

/// <summary>
/// Drives one tenant through the grains the way the HTTP layer does (user grain for sign-in,
/// session grain for validate and refresh, the silo's <see cref="SessionTable"/> for listings),
/// so grain tests read as the behaviour they check rather than as plumbing.
/// </summary>
public sealed class TenantDriver(IGrainFactory grains, string tenantId, int shards)
{
    public string TenantId => tenantId;

    public int Shards => shards;

    public ITenantGrain Tenant => grains.GetGrain<ITenantGrain>(tenantId);

    public async Task CreateAsync()
    {
        Assert.NotNull(await Tenant.Create("Acme", shards));
    }

    public IUserGrain User(string userId) => grains.GetGrain<IUserGrain>(GrainKeys.User(tenantId, userId));

    public ISessionGrain Session(string sessionId, IGrainFactory? through = null) =>
        (through ?? grains).GetGrain<ISessionGrain>(GrainKeys.Session(tenantId, sessionId));

    public ISessionTableShardGrain Shard(int shard) => grains.GetGrain<ISessionTableShardGrain>(GrainKeys.Shard(tenantId, shard));

    private TenantPolicy _policy = TenantPolicy.Default;

    /// <summary>A sign-in that must succeed.</summary>
    public async Task<SessionTokens> SignInAsync(
        string userId, string clientId = "portal", string? microtenantId = null, TenantPolicy? policy = null)
    {
        // A sign-in reads its tenant's policy; set the one this sign-in wants when it differs.
        if ((policy ?? TenantPolicy.Default) != _policy)
        {
            _policy = policy ?? TenantPolicy.Default;
            await Tenant.SetPolicy(_policy);
        }

        var result = await User(userId).SignIn(Secrets.NewSessionId(), TestData.SignIn(userId, clientId, microtenantId));
        Assert.Null(result.Error);
        return result.Tokens!;
    }

    public static byte[] HashOf(string token, SecretKind kind)
    {
        Assert.True(BearerSecret.TryParse(token, kind, out var secret));
        return secret.Hash();
    }

    /// <summary>What the HTTP layer hands the session grain for a refresh token.</summary>
    public static RefreshProof ProofOf(string refreshToken)
    {
        Assert.True(RefreshToken.TryParse(refreshToken, out var token));
        return token.Proof();
    }

    public Task<ValidationResult> ValidateAsync(SessionTokens tokens, IGrainFactory? through = null) =>
        Session(tokens.SessionId, through).Validate(HashOf(tokens.Token, SecretKind.AccessToken));

    public Task<RefreshResult> RefreshAsync(SessionTokens tokens, IGrainFactory? through = null) =>
        Session(tokens.SessionId, through).Refresh(ProofOf(tokens.RefreshToken));

    /// <summary>Every retained session of the tenant, listed by <paramref name="table"/> as of <paramref name="asOf"/>.</summary>
    public async Task<(long Total, IReadOnlyList<SessionRow> Items)> ListAllAsync(
        SessionTableReader table, DateTimeOffset? asOf = null, string? microtenantId = null)
    {
        var page = await table.QueryAsync(tenantId, SessionQuery.Default with { Take = int.MaxValue, AsOf = asOf, MicrotenantId = microtenantId });
        return (page.Total, page.Items);
    }
}

/// <summary>Reaching into the silos of an in-process cluster.</summary>
public static class ClusterSilos
{
    /// <summary>The session table service of one silo: listings fan out from there.</summary>
    public static SessionTableReader TableOn(this InProcessTestCluster cluster, SiloAddress silo) =>
        cluster.GetSiloServiceProvider(silo).GetRequiredService<SessionTableReader>();

    /// <summary>A grain factory that calls from inside one silo rather than through the test client.</summary>
    public static IGrainFactory GrainsOn(this InProcessTestCluster cluster, SiloAddress silo) =>
        cluster.GetSiloServiceProvider(silo).GetRequiredService<IGrainFactory>();

    /// <summary>The silo that holds a grain's activation now (null when it has none).</summary>
    public static async Task<SiloAddress?> HostOfAsync(this InProcessTestCluster cluster, IAddressable grain) =>
        await cluster.Client.GetGrain<IManagementGrain>(0).GetActivationAddress(grain);
}
