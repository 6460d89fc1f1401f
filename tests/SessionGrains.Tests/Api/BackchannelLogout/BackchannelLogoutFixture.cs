using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;
using SessionGrains.Tests.Infrastructure;

namespace SessionGrains.Tests.Api.BackchannelLogout;

/// <summary>
/// A silo of its own (its session clock faked, retries a second apart, a small bound per receiver,
/// sweeps only when a test asks) and the relying parties' receiver. Its own silo, because the
/// shared one's clock is moved by other tests, and a moved clock makes claimed notices due again.
/// </summary>
public sealed class BackchannelLogoutFixture : IAsyncLifetime
{
    /// <summary>Requests in flight to one receiver at most, as configured here.</summary>
    public const int ConcurrencyPerReceiver = 4;

    private readonly SqliteDatabases _databases = new();

    public FakeTimeProvider Time { get; } = new(DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));

    public TestSilo Silo { get; private set; } = null!;

    public LogoutReceiver Receiver { get; private set; } = null!;

    /// <summary>A second receiver on a port of its own: another receiver as far as delivery's bounds go.</summary>
    public LogoutReceiver OtherReceiver { get; private set; } = null!;

    public ApiClient Api => Silo.Api;

    public IGrainFactory Grains => Silo.Services.GetRequiredService<IGrainFactory>();

    public async Task InitializeAsync()
    {
        Receiver = await LogoutReceiver.StartAsync();
        OtherReceiver = await LogoutReceiver.StartAsync();
        var database = await _databases.CreateAsync(CancellationToken.None);
        Silo = await TestSilo.StartAsync(SiloSettings.Fresh(database) with
        {
            Time = Time,
            Configuration =
            [
                "SessionGrains:BackchannelLogout:PollIntervalMilliseconds=20",
                "SessionGrains:BackchannelLogout:FirstRetrySeconds=1",
                "SessionGrains:BackchannelLogout:MaxRetrySeconds=60",
                "SessionGrains:BackchannelLogout:RequestTimeoutSeconds=30",
                "SessionGrains:BackchannelLogout:LeaseSeconds=600",
                $"SessionGrains:BackchannelLogout:MaxConcurrencyPerReceiver={ConcurrencyPerReceiver}",
                "SessionGrains:SessionTable:SweepIntervalSeconds=3600",
            ],
        });
    }

    /// <summary>
    /// Validates <paramref name="token"/> as a relying party does: discovery and JWKS fetched over
    /// HTTP by Microsoft.IdentityModel's own retriever, then signature, issuer, audience, type,
    /// algorithm and lifetime (against the silo's clock) by <see cref="JsonWebTokenHandler"/>.
    /// </summary>
    public async Task<JsonWebToken> VerifyAsync(string tenantId, string audience, string token)
    {
        var issuer = $"{Silo.Settings.BaseAddress.ToString().TrimEnd('/')}/api/v1/tenants/{tenantId}";
        var discovery = new ConfigurationManager<OpenIdConnectConfiguration>(
            $"{issuer}/.well-known/openid-configuration", new OpenIdConnectConfigurationRetriever(), new HttpDocumentRetriever { RequireHttps = false });
        var configuration = await discovery.GetConfigurationAsync(CancellationToken.None);
        Assert.Equal(issuer, configuration.Issuer);
        Assert.Equal(true, configuration.AdditionalData["backchannel_logout_supported"]);
        // Lifetime as of the silo's clock, which the tests move.
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(
            token, LogoutTokenValidation.Parameters(configuration.Issuer, audience, configuration.SigningKeys, Time));
        Assert.True(result.IsValid, result.Exception?.ToString());
        return (JsonWebToken)result.SecurityToken;
    }

    public async Task DisposeAsync()
    {
        await Silo.DisposeAsync();
        await Receiver.DisposeAsync();
        await OtherReceiver.DisposeAsync();
        await _databases.DisposeAsync();
    }
}
