using System.Buffers.Text;
using System.Collections.Immutable;
using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using SessionGrains.SigningKeys;
using SessionGrains.Silo.Hosting;
using SessionGrains.Tests.Infrastructure;

namespace SessionGrains.Tests.Api;

/// <summary>
/// A tenant's logout tokens verify as a relying party verifies them: with a JWT library, against
/// the JWKS fetched over HTTP without a key, for the issuer the discovery document names; rotation
/// keeps what was signed before it verifiable for a day and no longer; the discovery routes answer
/// a made-up tenant 404 and activate nothing; only the tenant-admin (or operator) rotates; and the
/// stored state holds no private key in the clear.
/// </summary>
[Trait("Category", "Cluster")]
[Collection(SiloCollection.Name)]
public sealed class SigningKeysApiTests(SiloFixture fixture)
{
    private const string LogoutEvent = "http://schemas.openid.net/event/backchannel-logout";

    private ApiClient Api => fixture.Api;

    private IGrainFactory Grains => fixture.Silo.Services.GetRequiredService<IGrainFactory>();

    private static string Jwks(string tenantId) => $"/api/v1/tenants/{tenantId}/.well-known/jwks.json";

    private static string Discovery(string tenantId) => $"/api/v1/tenants/{tenantId}/.well-known/openid-configuration";

    private string Issuer(string tenantId) => fixture.Silo.Services.GetRequiredService<PublicUrls>().Issuer(tenantId);

    private async Task<string> TenantAsync()
    {
        var tenantId = TestData.Id("sk");
        await Api.CreateTenantAsync(tenantId);
        return tenantId;
    }

    /// <summary>
    /// Claims issued now by the wall clock, as the lead's delivery will: the JWT library checks
    /// <c>exp</c> against the real time, not the silo's fake one.
    /// </summary>
    private LogoutTokenClaims Claims(string tenantId, string clientId = "portal") => new(
        Issuer(tenantId), clientId, TestData.Id("user"), TestData.Id("sid"), Guid.NewGuid().ToString("N"),
        DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds()));

    /// <summary>Signs as the back-channel delivery will: through the tenant's grain, in the silo's own cluster.</summary>
    private async Task<string> SignAsync(string tenantId, LogoutTokenClaims claims) =>
        Assert.Single(await Grains.GetGrain<ISigningKeysGrain>(tenantId).SignLogoutTokens([claims]));

    private Task<string> SignAsync(string tenantId) => SignAsync(tenantId, Claims(tenantId));

    private async Task<(Response Response, JsonWebKeySet Set)> FetchJwksAsync(string tenantId)
    {
        var response = (await Api.GetAsync(Jwks(tenantId), null)).Expect(HttpStatusCode.OK);
        return (response, new JsonWebKeySet(response.Body));
    }

    private static Task<TokenValidationResult> ValidateAsync(string token, JsonWebKeySet keys, string issuer, string audience) =>
        new JsonWebTokenHandler().ValidateTokenAsync(token, LogoutTokenValidation.Parameters(issuer, audience, keys.GetSigningKeys()));

    private static JsonObject Segment(string token, int index) => JsonNode.Parse(Base64Url.DecodeFromChars(token.Split('.')[index]))!.AsObject();

    [Fact]
    public async Task A_logout_token_verifies_against_the_jwks_served_without_a_key_and_carries_exactly_the_logout_claims()
    {
        var tenantId = await TenantAsync();
        var claims = Claims(tenantId, clientId: "rp-one");
        var token = await SignAsync(tenantId, claims);
        var (response, set) = await FetchJwksAsync(tenantId);

        var result = await ValidateAsync(token, set, Issuer(tenantId), "rp-one");
        var wrongAudience = await ValidateAsync(token, set, Issuer(tenantId), "rp-two");

        Assert.True(result.IsValid, result.Exception?.Message);
        Assert.False(wrongAudience.IsValid);
        Assert.Equal("application/json", response.MediaType);
        Assert.Equal("public, max-age=60", response.Header("Cache-Control"));
        var jwk = Assert.Single(set.Keys);
        Assert.Equal(("EC", "P-256", "sig", "ES256"), (jwk.Kty, jwk.Crv, jwk.Use, jwk.Alg));

        var header = Segment(token, 0);
        Assert.Equal(new[] { "alg", "kid", "typ" }, header.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal(("ES256", "logout+jwt", jwk.Kid), (header.Str("alg"), header.Str("typ"), header.Str("kid")));

        var payload = Segment(token, 1);
        Assert.Equal(
            new[] { "aud", "events", "exp", "iat", "iss", "jti", "sid", "sub" },
            payload.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal(claims.Issuer, payload.Str("iss"));
        Assert.Equal("rp-one", payload.Str("aud"));
        Assert.Equal(claims.Subject, payload.Str("sub"));
        Assert.Equal(claims.SessionId, payload.Str("sid"));
        Assert.Equal(claims.Jti, payload.Str("jti"));
        Assert.Equal(claims.IssuedAt.ToUnixTimeSeconds(), payload["iat"]!.GetValue<long>());
        Assert.Equal(120, payload["exp"]!.GetValue<long>() - payload["iat"]!.GetValue<long>());
        var events = payload["events"]!.AsObject();
        Assert.Equal([LogoutEvent], events.Select(e => e.Key));
        Assert.Empty(events[LogoutEvent]!.AsObject());
        Assert.Equal(64, Base64Url.DecodeFromChars(token.Split('.')[2]).Length);

        // The library saw the same claims.
        var jwt = (JsonWebToken)result.SecurityToken;
        Assert.Equal((claims.SessionId, claims.Subject), (jwt.GetPayloadValue<string>("sid"), jwt.Subject));
        Assert.False(jwt.TryGetPayloadValue<string>("nonce", out _));
    }

    [Fact]
    public async Task A_batch_is_signed_in_order_each_token_its_own_claims()
    {
        var tenantId = await TenantAsync();
        var batch = Enumerable.Range(0, 50).Select(i => Claims(tenantId, clientId: $"rp-{i}")).ToImmutableArray();
        var tokens = await Grains.GetGrain<ISigningKeysGrain>(tenantId).SignLogoutTokens(batch);
        var (_, set) = await FetchJwksAsync(tenantId);

        Assert.Equal(batch.Length, tokens.Length);
        for (var i = 0; i < batch.Length; i++)
        {
            var result = await ValidateAsync(tokens[i], set, Issuer(tenantId), $"rp-{i}");
            Assert.True(result.IsValid, $"token {i}: {result.Exception?.Message}");
            Assert.Equal(batch[i].Jti, Segment(tokens[i], 1).Str("jti"));
        }
    }

    [Fact]
    public async Task A_token_signed_before_a_rotation_still_verifies_after_it_the_new_key_signs_next_and_the_old_key_leaves_after_24_hours()
    {
        var tenantId = await TenantAsync();
        var (_, admin) = await Api.CreateKeyAsync(tenantId, "tenant-admin");
        var before = await SignAsync(tenantId);
        var oldKid = Segment(before, 0).Str("kid");

        var rotated = (await Api.PostAsync($"/api/v1/tenants/{tenantId}/signing-keys/rotate", admin, null)).Expect(HttpStatusCode.OK).Json;
        var newKid = rotated.Str("kid");
        var after = await SignAsync(tenantId);
        var (_, set) = await FetchJwksAsync(tenantId);

        Assert.NotEqual(oldKid, newKid);
        Assert.Equal(newKid, Segment(after, 0).Str("kid"));
        Assert.Equal([newKid, oldKid], set.Keys.Select(k => k.Kid));
        Assert.True((await ValidateAsync(before, set, Issuer(tenantId), "portal")).IsValid);
        Assert.True((await ValidateAsync(after, set, Issuer(tenantId), "portal")).IsValid);

        // The rotation is in the tenant's audit log, with the new key's id.
        var audit = (await Api.GetAsync($"/api/v1/tenants/{tenantId}/audit?action=signing_key.rotate", admin)).Expect(HttpStatusCode.OK).Json;
        var record = Assert.Single(audit["items"]!.AsArray());
        Assert.Equal(("success", newKid), (record!["outcome"]!.GetValue<string>(), record["target"]!.GetValue<string>()));

        // Just short of a day the old key is still published; just past it, gone.
        fixture.Time.Advance(TimeSpan.FromHours(24) - TimeSpan.FromSeconds(1));
        Assert.Equal([newKid, oldKid], (await FetchJwksAsync(tenantId)).Set.Keys.Select(k => k.Kid));
        fixture.Time.Advance(TimeSpan.FromSeconds(2));
        var (_, later) = await FetchJwksAsync(tenantId);

        Assert.Equal([newKid], later.Keys.Select(k => k.Kid));
        Assert.False((await ValidateAsync(before, later, Issuer(tenantId), "portal")).IsValid);
        Assert.True((await ValidateAsync(await SignAsync(tenantId), later, Issuer(tenantId), "portal")).IsValid);
    }

    [Fact]
    public async Task The_discovery_document_names_the_tokens_issuer_and_routes_that_answer()
    {
        var tenantId = await TenantAsync();
        var (serviceKeyId, serviceKey) = await Api.CreateKeyAsync(tenantId, "service");
        var response = (await Api.GetAsync(Discovery(tenantId), null)).Expect(HttpStatusCode.OK);
        var document = response.Json;
        var issuer = document.Str("issuer");
        var token = await SignAsync(tenantId);

        Assert.Equal("application/json", response.MediaType);
        Assert.Equal("public, max-age=60", response.Header("Cache-Control"));
        Assert.Equal(Segment(token, 1).Str("iss"), issuer);
        Assert.Equal($"{fixture.Silo.Settings.BaseAddress.ToString().TrimEnd('/')}/api/v1/tenants/{tenantId}", issuer);
        Assert.Equal(
            new[]
            {
                "backchannel_logout_session_supported", "backchannel_logout_supported", "introspection_endpoint",
                "introspection_endpoint_auth_methods_supported", "issuer", "jwks_uri", "revocation_endpoint",
                "revocation_endpoint_auth_methods_supported",
            },
            document.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.True(document["backchannel_logout_supported"]!.GetValue<bool>());
        Assert.True(document["backchannel_logout_session_supported"]!.GetValue<bool>());
        Assert.Equal(["client_secret_basic"], document["introspection_endpoint_auth_methods_supported"]!.AsArray().Select(m => m!.GetValue<string>()));
        Assert.Equal(["client_secret_basic"], document["revocation_endpoint_auth_methods_supported"]!.AsArray().Select(m => m!.GetValue<string>()));

        // The URLs named are the routes: the JWKS verifies the token; introspection and revocation
        // take a service key as Basic client credentials, as the auth methods say.
        Assert.Equal(issuer + "/.well-known/jwks.json", document.Str("jwks_uri"));
        var set = new JsonWebKeySet((await Api.GetAsync(new Uri(document.Str("jwks_uri")).PathAndQuery, null)).Expect(HttpStatusCode.OK).Body);
        Assert.True((await ValidateAsync(token, set, issuer, "portal")).IsValid);

        var session = await Api.SignInAsync(tenantId, serviceKey, TestData.Id("user"));
        var basic = ApiClient.Basic(serviceKeyId, serviceKey);
        var introspection = (await Api.PostFormAsync(new Uri(document.Str("introspection_endpoint")).PathAndQuery, basic,
            new Dictionary<string, string> { ["token"] = session.Str("token") })).Expect(HttpStatusCode.OK).Json;
        Assert.True(introspection["active"]!.GetValue<bool>());
        (await Api.PostFormAsync(new Uri(document.Str("revocation_endpoint")).PathAndQuery, basic,
            new Dictionary<string, string> { ["token"] = session.Str("token") })).Expect(HttpStatusCode.OK);
        Assert.False((await Api.ValidateAsync(tenantId, serviceKey, session.Str("token")))["active"]!.GetValue<bool>());
    }

    [Fact]
    public async Task Made_up_tenants_get_404_on_both_discovery_routes_and_activate_nothing()
    {
        // Well-formed made-up names, and ids no tenant can have (too long, a character outside the rule).
        var ghosts = Enumerable.Range(0, 20).Select(_ => TestData.Id("ghost")).ToList();
        string[] impossible = [new string('a', 129), "bad%21name"];

        foreach (var tenantId in ghosts.Concat(impossible))
        {
            foreach (var path in new[] { Jwks(tenantId), Discovery(tenantId) })
            {
                var response = await Api.GetAsync(path, null);
                Assert.True(response.Status == HttpStatusCode.NotFound, $"{path}: {(int)response.Status} {response.Body}");
                response.ExpectProblem(HttpStatusCode.NotFound, "tenant_not_found");
            }
        }

        // With a key of another tenant too: the route takes none, and reads none.
        var other = await TenantAsync();
        var (_, admin) = await Api.CreateKeyAsync(other, "tenant-admin");
        (await Api.GetAsync(Jwks(ghosts[0]), admin)).ExpectProblem(HttpStatusCode.NotFound, "tenant_not_found");

        await Grains.NoneRemainAsync(ghosts);
    }

    [Theory]
    [InlineData("service", null)]
    [InlineData("auditor", null)]
    [InlineData("microtenant-admin", "emea")]
    [InlineData("auditor", "emea")]
    public async Task Rotation_is_refused_403_to_every_key_but_a_tenant_wide_tenant_admin_and_changes_nothing(string role, string? microtenantId)
    {
        var tenantId = await TenantAsync();
        if (microtenantId is not null)
        {
            (await Api.PostAsync($"/api/v1/tenants/{tenantId}/microtenants", Api.OperatorKey, new { microtenantId, name = microtenantId }))
                .Expect(HttpStatusCode.Created);
        }

        var (_, key) = await Api.CreateKeyAsync(tenantId, role, microtenantId);
        var kids = (await FetchJwksAsync(tenantId)).Set.Keys.Select(k => k.Kid).ToList();

        (await Api.PostAsync($"/api/v1/tenants/{tenantId}/signing-keys/rotate", key, null)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");

        Assert.Equal(kids, (await FetchJwksAsync(tenantId)).Set.Keys.Select(k => k.Kid));
    }

    [Fact]
    public async Task Rotation_without_a_key_is_401_and_the_operator_may_rotate()
    {
        var tenantId = await TenantAsync();
        (await Api.PostAsync($"/api/v1/tenants/{tenantId}/signing-keys/rotate", null, null)).ExpectProblem(HttpStatusCode.Unauthorized, "unauthorized");
        (await Api.PostAsync($"/api/v1/tenants/{tenantId}/signing-keys/rotate", "sgk.bm8.nope.0123456789012345678901234567890123456789012", null))
            .ExpectProblem(HttpStatusCode.Unauthorized, "unauthorized");

        var kid = (await Api.PostAsync($"/api/v1/tenants/{tenantId}/signing-keys/rotate", Api.OperatorKey, null)).Expect(HttpStatusCode.OK).Json.Str("kid");
        Assert.Equal(kid, (await FetchJwksAsync(tenantId)).Set.Keys.First().Kid);
    }

    /// <summary>
    /// The private scalar is 32 bytes the test cannot ask for, but can recognise: any 32 bytes of the
    /// stored row that, taken as a P-256 private key, give the published public point would be it.
    /// The row holds the public X in the clear (so byte arrays are stored as their raw bytes, and a
    /// clear scalar would be found the same way, also inside a PKCS#8 or any other encoding that
    /// carries it as is).
    /// </summary>
    [Fact]
    public async Task The_stored_state_holds_the_public_key_but_nowhere_the_private_scalar()
    {
        var tenantId = await TenantAsync();
        await SignAsync(tenantId);
        var jwk = Assert.Single((await FetchJwksAsync(tenantId)).Set.Keys);
        var x = Base64Url.DecodeFromChars(jwk.X);
        var y = Base64Url.DecodeFromChars(jwk.Y);

        var payload = (byte[])(await fixture.Silo.Settings.Database.ScalarAsync(
            "SELECT PayloadBinary FROM OrleansStorage WHERE GrainTypeString = 'signingKeys' AND GrainIdExtensionString = @p0",
            CancellationToken.None, tenantId))!;

        Assert.True(payload.AsSpan().IndexOf(x) >= 0, "the stored row does not hold the public X: not the row, or not raw bytes");
        for (var at = 0; at + 32 <= payload.Length; at++)
        {
            Assert.False(IsPrivateKeyOf(payload.AsSpan(at, 32), x, y), $"the private scalar is stored in the clear at byte {at}");
        }
    }

    private static bool IsPrivateKeyOf(ReadOnlySpan<byte> candidate, byte[] x, byte[] y)
    {
        try
        {
            using var key = ECDsa.Create(new ECParameters { Curve = ECCurve.NamedCurves.nistP256, D = candidate.ToArray() });
            var q = key.ExportParameters(includePrivateParameters: false).Q;
            return q.X!.AsSpan().SequenceEqual(x) && q.Y!.AsSpan().SequenceEqual(y);
        }
        catch (CryptographicException)
        {
            // Not a scalar of the curve (zero, or not below its order).
            return false;
        }
    }
}
