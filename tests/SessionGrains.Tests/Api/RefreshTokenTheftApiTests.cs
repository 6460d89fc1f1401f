using System.Net;
using System.Text.Json.Nodes;
using SessionGrains.Grains.Security;
using SessionGrains.Tests.Infrastructure;

namespace SessionGrains.Tests.Api;

/// <summary>Refresh-token theft detection over real HTTP: any rotated refresh token, however old, ends its session.</summary>
[Trait("Category", "Cluster")]
[Collection(SiloCollection.Name)]
public sealed class RefreshTokenTheftApiTests(SiloFixture fixture) : IAsyncLifetime
{
    private const int Grace = 5;

    private readonly string _tenant = TestData.Id("theft");
    private string _service = "";
    private string _admin = "";

    private ApiClient Api => fixture.Api;

    private string Sessions => $"/api/v1/tenants/{_tenant}/sessions";

    public async Task InitializeAsync()
    {
        await Api.CreateTenantAsync(_tenant);
        _service = (await Api.CreateKeyAsync(_tenant, "service")).Key;
        _admin = (await Api.CreateKeyAsync(_tenant, "tenant-admin")).Key;
        (await Api.PutAsync($"/api/v1/tenants/{_tenant}/policy", _admin, new
        {
            idleTimeoutSeconds = 1800, absoluteLifetimeSeconds = 36000, maxSessionsPerUser = 0,
            onSessionLimit = "deny", refreshReuseGraceSeconds = Grace,
        })).Expect(HttpStatusCode.OK);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    private Task<Response> RefreshAsync(string refreshToken) =>
        Api.PostAsync($"{Sessions}/refresh", _service, new { refreshToken });

    /// <summary>Signs in and refreshes <paramref name="refreshes"/> times; every pair issued, oldest first.</summary>
    private async Task<List<JsonObject>> RotateAsync(int refreshes)
    {
        var issued = new List<JsonObject> { await Api.SignInAsync(_tenant, _service, "ada") };
        for (var i = 0; i < refreshes; i++)
        {
            issued.Add((await RefreshAsync(issued[^1].Str("refreshToken"))).Expect(HttpStatusCode.OK).Json);
        }

        return issued;
    }

    private async Task<JsonObject> DetailsAsync(string sessionId) =>
        (await Api.GetAsync($"{Sessions}/{sessionId}", _admin)).Expect(HttpStatusCode.OK).Json;

    [Theory]
    [InlineData(0)]
    [InlineData(7)]
    public async Task A_refresh_token_rotated_away_forty_refreshes_ago_is_401_refresh_token_reused_and_ends_the_session(int which)
    {
        var issued = await RotateAsync(40);
        fixture.Time.Advance(TimeSpan.FromSeconds(Grace + 1));

        (await RefreshAsync(issued[which].Str("refreshToken"))).ExpectProblem(HttpStatusCode.Unauthorized, "refresh_token_reused");

        Assert.Equal("terminated", (await Api.ValidateAsync(_tenant, _service, issued[^1].Str("token"))).Str("reason"));
        var details = await DetailsAsync(issued[0].Str("sessionId"));
        Assert.Equal("terminated", details.Str("status"));
        Assert.Equal("token_reuse", details.Str("endReason"));
        (await RefreshAsync(issued[^1].Str("refreshToken"))).ExpectProblem(HttpStatusCode.Unauthorized, "invalid_refresh_token");
    }

    [Fact]
    public async Task Within_the_grace_the_just_rotated_token_still_rotates()
    {
        var issued = await RotateAsync(40);
        fixture.Time.Advance(TimeSpan.FromSeconds(Grace - 1));

        var again = (await RefreshAsync(issued[^2].Str("refreshToken"))).Expect(HttpStatusCode.OK).Json;

        Assert.True((await Api.ValidateAsync(_tenant, _service, again.Str("token")))["active"]!.GetValue<bool>());
        Assert.Equal("unknown", (await Api.ValidateAsync(_tenant, _service, issued[^1].Str("token"))).Str("reason"));
    }

    /// <summary>A real token with its secret replaced, and its generation moved by <paramref name="shift"/>.</summary>
    private static string Forge(string real, int shift)
    {
        var parts = real.Split('.');
        Assert.Equal(6, parts.Length);
        parts[3] = Secrets.NewSecret();
        parts[4] = (long.Parse(parts[4], System.Globalization.CultureInfo.InvariantCulture) + shift).ToString(System.Globalization.CultureInfo.InvariantCulture);
        return string.Join('.', parts);
    }

    [Theory]
    [InlineData(40, 0)]
    [InlineData(7, 0)]
    [InlineData(40, 1)]
    [InlineData(40, 100)]
    public async Task A_forged_refresh_token_is_401_invalid_refresh_token_and_the_session_lives(int which, int shift)
    {
        var issued = await RotateAsync(40);
        fixture.Time.Advance(TimeSpan.FromSeconds(Grace + 1));

        (await RefreshAsync(Forge(issued[which].Str("refreshToken"), shift)))
            .ExpectProblem(HttpStatusCode.Unauthorized, "invalid_refresh_token");

        Assert.True((await Api.ValidateAsync(_tenant, _service, issued[^1].Str("token")))["active"]!.GetValue<bool>());
        (await RefreshAsync(issued[^1].Str("refreshToken"))).Expect(HttpStatusCode.OK);
    }

    [Fact]
    public async Task Storage_holds_no_refresh_secret_in_clear()
    {
        var issued = await RotateAsync(3);

        var state = (byte[])(await fixture.Silo.Settings.Database.ScalarAsync(
            "SELECT State FROM Sessions WHERE TenantId = @p0 AND SessionId = @p1", CancellationToken.None,
            _tenant, issued[0].Str("sessionId")))!;

        foreach (var tokens in issued)
        {
            var secret = tokens.Str("refreshToken").Split('.')[3];
            Assert.True(state.AsSpan().IndexOf(System.Text.Encoding.UTF8.GetBytes(secret)) < 0);
            Assert.True(state.AsSpan().IndexOf(System.Buffers.Text.Base64Url.DecodeFromChars(secret)) < 0);
        }
    }

    [Theory]
    [InlineData("garbage")]
    [InlineData("sgr.")]
    [InlineData("sgr.a.b.c.d.e.f.g")]
    public async Task Junk_is_401_invalid_refresh_token(string junk)
    {
        (await RefreshAsync(junk)).ExpectProblem(HttpStatusCode.Unauthorized, "invalid_refresh_token");
    }

    [Fact]
    public async Task A_very_long_refresh_token_is_401_invalid_refresh_token()
    {
        var issued = await RotateAsync(0);

        (await RefreshAsync(issued[0].Str("refreshToken") + new string('A', 4000)))
            .ExpectProblem(HttpStatusCode.Unauthorized, "invalid_refresh_token");
        Assert.True((await Api.ValidateAsync(_tenant, _service, issued[0].Str("token")))["active"]!.GetValue<bool>());
    }
}
