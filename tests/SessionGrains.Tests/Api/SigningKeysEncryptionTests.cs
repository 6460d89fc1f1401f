using System.Buffers.Text;
using System.Net;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using SessionGrains.SigningKeys;
using SessionGrains.Silo.Hosting;
using SessionGrains.Tests.Infrastructure;

namespace SessionGrains.Tests.Api;

/// <summary>
/// The signing keys' encryption key: a stored key sealed under another one (here: the configured
/// key, then none, so the process's random one) cannot sign again and is replaced, while it stays
/// published so what it signed still verifies; a malformed key stops the start.
/// </summary>
[Trait("Category", "Cluster")]
public sealed class SigningKeysEncryptionTests(SqliteDatabases databases) : IClassFixture<SqliteDatabases>
{
    private static async Task<string> SignAsync(TestSilo silo, string tenantId)
    {
        var issuer = silo.Services.GetRequiredService<PublicUrls>().Issuer(tenantId);
        var claims = new LogoutTokenClaims(issuer, "portal", "u-1", "s-1", Guid.NewGuid().ToString("N"), DateTimeOffset.UtcNow);
        return Assert.Single(await silo.Services.GetRequiredService<IGrainFactory>().GetGrain<ISigningKeysGrain>(tenantId).SignLogoutTokens([claims]));
    }

    private static string KidOf(string token) => JsonNode.Parse(Base64Url.DecodeFromChars(token.Split('.')[0]))!["kid"]!.GetValue<string>();

    [Fact]
    public async Task A_key_sealed_under_another_encryption_key_is_replaced_and_stays_published_and_an_unset_key_serves_this_process()
    {
        var database = await databases.CreateAsync(CancellationToken.None);
        var tenantId = TestData.Id("enc");
        string before;
        await using (var first = await TestSilo.StartAsync(SiloSettings.Fresh(database)))
        {
            await first.Api.CreateTenantAsync(tenantId);
            before = await SignAsync(first, tenantId);
        }

        // The same storage, no encryption key configured: the stored key does not open.
        await using var second = await TestSilo.StartAsync(SiloSettings.Fresh(database) with { Configuration = ["SessionGrains:SigningKeys:EncryptionKey="] });
        var after = await SignAsync(second, tenantId);
        var again = await SignAsync(second, tenantId);
        var set = new JsonWebKeySet((await second.Api.GetAsync($"/api/v1/tenants/{tenantId}/.well-known/jwks.json", null)).Expect(HttpStatusCode.OK).Body);

        Assert.NotEqual(KidOf(before), KidOf(after));
        Assert.Equal(KidOf(after), KidOf(again));
        Assert.Equal([KidOf(after), KidOf(before)], set.Keys.Select(k => k.Kid));
        var parameters = LogoutTokenValidation.Parameters(second.Services.GetRequiredService<PublicUrls>().Issuer(tenantId), "portal", set.GetSigningKeys());
        var handler = new JsonWebTokenHandler();
        Assert.True((await handler.ValidateTokenAsync(after, parameters)).IsValid);

        // Signed by the first silo, whose public base URL was its own: its issuer is the first's.
        parameters.ValidIssuer = JsonNode.Parse(Base64Url.DecodeFromChars(before.Split('.')[1]))!["iss"]!.GetValue<string>();
        Assert.True((await handler.ValidateTokenAsync(before, parameters)).IsValid);
    }

    [Theory]
    [InlineData("not-base64!")]
    [InlineData("c2hvcnQ=")]
    public async Task An_encryption_key_that_is_not_base64_of_32_bytes_stops_the_start(string value)
    {
        var settings = SiloSettings.Fresh(await databases.CreateAsync(CancellationToken.None)) with
        {
            Configuration = [$"SessionGrains:SigningKeys:EncryptionKey={value}"],
        };
        var error = await Assert.ThrowsAsync<OptionsValidationException>(async () => await TestSilo.StartAsync(settings));
        Assert.Contains("SessionGrains:SigningKeys:EncryptionKey", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(value, error.Message, StringComparison.Ordinal);
    }
}
