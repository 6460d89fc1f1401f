using System.Net;
using Duende.IdentityModel.Client;
using SessionGrains.Tests.Infrastructure;

namespace SessionGrains.Tests.Api;

/// <summary>
/// A real OAuth client library, Duende.IdentityModel, against the introspection and revocation
/// endpoints: its own form encoding, its own HTTP Basic client authentication (RFC 6749 §2.3.1),
/// its own reading of the answers, with a service key as client id and secret.
/// </summary>
[Trait("Category", "Cluster")]
[Collection(SiloCollection.Name)]
public sealed class OAuthClientLibraryTests(SiloFixture fixture) : IAsyncLifetime, IDisposable
{
    private readonly string _tenant = TestData.Id("duende");
    private readonly HttpClient _http = new() { BaseAddress = fixture.Silo.Settings.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
    private (string KeyId, string Key) _service;

    private ApiClient Api => fixture.Api;

    private string Endpoint(string name) => new Uri(fixture.Silo.Settings.BaseAddress, $"/api/v1/tenants/{_tenant}/oauth/{name}").ToString();

    public async Task InitializeAsync()
    {
        await Api.CreateTenantAsync(_tenant);
        _service = await Api.CreateKeyAsync(_tenant, "service");
    }

    public Task DisposeAsync() => Task.CompletedTask;

    public void Dispose() => _http.Dispose();

    private Task<TokenIntrospectionResponse> IntrospectAsync(string token, string? hint = null, string? secret = null) =>
        _http.IntrospectTokenAsync(new TokenIntrospectionRequest
        {
            Address = Endpoint("introspect"), ClientId = _service.KeyId, ClientSecret = secret ?? _service.Key, Token = token, TokenTypeHint = hint,
        });

    private Task<TokenRevocationResponse> RevokeAsync(string token, string? hint = null) =>
        _http.RevokeTokenAsync(new TokenRevocationRequest
        {
            Address = Endpoint("revoke"), ClientId = _service.KeyId, ClientSecret = _service.Key, Token = token, TokenTypeHint = hint ?? "",
        });

    [Fact]
    public async Task Introspection_through_the_library_reads_an_active_token_and_its_claims()
    {
        var session = await Api.SignInAsync(_tenant, _service.Key, "ada", clientId: "portal");

        foreach (var (token, type) in new[] { (session.Str("token"), "access_token"), (session.Str("refreshToken"), "refresh_token") })
        {
            var response = await IntrospectAsync(token, type);

            Assert.False(response.IsError, response.Error);
            Assert.True(response.IsActive);
            Assert.Equal("ada", response.Subject);
            Assert.Equal("portal", response.ClientId);
            Assert.Equal(type, response.TokenType);
            Assert.Equal(session.Str("sessionId"), response.Claims.Single(c => c.Type == "sid").Value);
            Assert.Equal("ada", response.Claims.Single(c => c.Type == "sub").Value);
            Assert.Equal("portal", response.Claims.Single(c => c.Type == "client_id").Value);
            Assert.Equal(fixture.Time.GetUtcNow().ToUnixTimeSeconds(), response.IssuedAt!.Value.ToUnixTimeSeconds());
            Assert.True(response.Expiration > response.IssuedAt);
        }

        var unknown = await IntrospectAsync("not-a-token");
        Assert.False(unknown.IsError, unknown.Error);
        Assert.False(unknown.IsActive);
    }

    [Fact]
    public async Task Revocation_through_the_library_ends_the_session_and_an_unknown_token_is_no_error()
    {
        var byAccess = await Api.SignInAsync(_tenant, _service.Key, "bob");
        var byRefresh = await Api.SignInAsync(_tenant, _service.Key, "cy");

        var access = await RevokeAsync(byAccess.Str("token"), "access_token");
        var refresh = await RevokeAsync(byRefresh.Str("refreshToken"), "refresh_token");
        var unknown = await RevokeAsync("not-a-token");

        foreach (var response in new[] { access, refresh, unknown })
        {
            Assert.False(response.IsError, response.Error);
            Assert.Equal(HttpStatusCode.OK, response.HttpStatusCode);
        }

        foreach (var session in new[] { byAccess, byRefresh })
        {
            Assert.False((await Api.ValidateAsync(_tenant, _service.Key, session.Str("token")))["active"]!.GetValue<bool>());
            Assert.False((await IntrospectAsync(session.Str("refreshToken"))).IsActive);
        }
    }

    [Fact]
    public async Task The_library_reads_a_wrong_secret_as_the_oauth_error_invalid_client()
    {
        var token = (await Api.SignInAsync(_tenant, _service.Key, "dee")).Str("token");

        var response = await IntrospectAsync(token, secret: _service.Key[..^2] + "AA");

        Assert.True(response.IsError);
        Assert.Equal(HttpStatusCode.Unauthorized, response.HttpStatusCode);
        Assert.Equal("invalid_client", response.Json?.GetProperty("error").GetString());
    }
}
