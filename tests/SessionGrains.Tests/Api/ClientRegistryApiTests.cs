using System.Net;
using System.Text.Json.Nodes;
using SessionGrains.Tests.Infrastructure;

namespace SessionGrains.Tests.Api;

/// <summary>
/// A tenant's client registry through the API: register, list, read, change and remove clients
/// with their back-channel logout URIs; the tenant-admin's alone; every change audited. Bad input
/// tried: a relative URI, ftp, javascript:, a fragment, a URI over 2,048 characters, no name, a bad
/// or reserved client id, a PUT naming another client, and malformed JSON types.
/// </summary>
[Trait("Category", "Cluster")]
[Collection(SiloCollection.Name)]
public sealed class ClientRegistryApiTests(SiloFixture fixture) : IAsyncLifetime
{
    private readonly string _tenant = TestData.Id("cli");
    private string _admin = "";

    private ApiClient Api => fixture.Api;

    private string Clients => $"/api/v1/tenants/{_tenant}/clients";

    public async Task InitializeAsync()
    {
        await Api.CreateTenantAsync(_tenant);
        (_, _admin) = await Api.CreateKeyAsync(_tenant, "tenant-admin");
        (await Api.PostAsync($"/api/v1/tenants/{_tenant}/microtenants", Api.OperatorKey, new { microtenantId = "emea", name = "EMEA" })).Expect(HttpStatusCode.Created);
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_client_is_registered_listed_read_changed_and_removed()
    {
        var created = (await Api.PostAsync(Clients, _admin, new
        {
            clientId = "portal", name = "Customer portal", backchannelLogoutUri = "https://rp.example/logout", backchannelLogoutSessionRequired = true,
        })).Expect(HttpStatusCode.Created).Json;
        Assert.Equal("portal", created.Str("clientId"));
        Assert.Equal("Customer portal", created.Str("name"));
        Assert.Equal("https://rp.example/logout", created.Str("backchannelLogoutUri"));
        Assert.True(created["backchannelLogoutSessionRequired"]!.GetValue<bool>());

        (await Api.PostAsync(Clients, _admin, new { clientId = "mobile", name = "Mobile app" })).Expect(HttpStatusCode.Created);
        (await Api.PostAsync(Clients, _admin, new { clientId = "portal", name = "Again" })).ExpectProblem(HttpStatusCode.Conflict, "client_exists");

        var list = (await Api.GetAsync(Clients, _admin)).Expect(HttpStatusCode.OK).Json;
        Assert.Equal(2, list["total"]!.GetValue<long>());
        Assert.Equal(["mobile", "portal"], list["items"]!.AsArray().Select(c => c!["clientId"]!.GetValue<string>()));
        var mobile = list["items"]![0]!.AsObject();
        Assert.Null(mobile["backchannelLogoutUri"]);
        Assert.False(mobile["backchannelLogoutSessionRequired"]!.GetValue<bool>());

        fixture.Time.Advance(TimeSpan.FromSeconds(5));
        var changed = (await Api.PutAsync($"{Clients}/portal", _admin, new { clientId = "portal", name = "Portal", backchannelLogoutUri = (string?)null }))
            .Expect(HttpStatusCode.OK).Json;
        Assert.Equal("Portal", changed.Str("name"));
        Assert.Null(changed["backchannelLogoutUri"]);
        Assert.Equal(created.Str("createdAt"), changed.Str("createdAt"));
        Assert.NotEqual(changed.Str("createdAt"), changed.Str("updatedAt"));
        Assert.Equal("Portal", (await Api.GetAsync($"{Clients}/portal", _admin)).Expect(HttpStatusCode.OK).Json.Str("name"));

        (await Api.DeleteAsync($"{Clients}/portal", _admin)).Expect(HttpStatusCode.NoContent);
        (await Api.GetAsync($"{Clients}/portal", _admin)).ExpectProblem(HttpStatusCode.NotFound, "client_not_found");
        (await Api.DeleteAsync($"{Clients}/portal", _admin)).ExpectProblem(HttpStatusCode.NotFound, "client_not_found");
        (await Api.PutAsync($"{Clients}/portal", _admin, new { clientId = "portal", name = "Portal" })).ExpectProblem(HttpStatusCode.NotFound, "client_not_found");

        var audit = (await Api.GetAsync($"/api/v1/tenants/{_tenant}/audit?pageSize=50", _admin)).Expect(HttpStatusCode.OK).Json["items"]!.AsArray()
            .Select(r => (Action: r!["action"]!.GetValue<string>(), Target: r["target"]?.GetValue<string>(), Outcome: r["outcome"]!.GetValue<string>())).ToList();
        Assert.Contains(("client.create", "portal", "success"), audit);
        Assert.Contains(("client.create", "portal", "failed"), audit);
        Assert.Contains(("client.update", "portal", "success"), audit);
        Assert.Contains(("client.delete", "portal", "success"), audit);
    }

    [Theory]
    [InlineData("/logout")]
    [InlineData("rp.example/logout")]
    [InlineData("ftp://rp.example/logout")]
    [InlineData("javascript:alert(1)")]
    [InlineData("https://rp.example/logout#frag")]
    [InlineData("https:///logout")]
    public async Task A_back_channel_logout_uri_that_is_no_absolute_http_uri_without_a_fragment_is_refused(string uri)
    {
        var problem = (await Api.PostAsync(Clients, _admin, new { clientId = TestData.Id("c"), name = "C", backchannelLogoutUri = uri }))
            .ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.NotNull(problem["errors"]!["backchannelLogoutUri"]);
    }

    [Fact]
    public async Task Bad_bodies_are_refused_with_the_field_named_and_nothing_is_stored()
    {
        async Task<JsonObject> Refused(object body) => (await Api.PostAsync(Clients, _admin, body)).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");

        Assert.NotNull((await Refused(new { clientId = "c1" }))["errors"]!["name"]);
        Assert.NotNull((await Refused(new { clientId = "bad id!", name = "C" }))["errors"]!["clientId"]);
        Assert.NotNull((await Refused(new { name = "C" }))["errors"]!["clientId"]);
        Assert.NotNull((await Refused(new { clientId = "sessiongrains-console", name = "C" }))["errors"]!["clientId"]);
        Assert.NotNull((await Refused(new { clientId = "c1", name = "C", backchannelLogoutUri = "https://rp.example/" + new string('a', 2048) }))["errors"]!["backchannelLogoutUri"]);
        (await Api.SendAsync(HttpMethod.Post, Clients, _admin, rawBody: """{"clientId":"c1","name":"C","backchannelLogoutSessionRequired":"yes"}"""))
            .ExpectProblem(HttpStatusCode.BadRequest, "malformed_json");

        (await Api.PostAsync(Clients, _admin, new { clientId = "c2", name = "C" })).Expect(HttpStatusCode.Created);
        var problem = (await Api.PutAsync($"{Clients}/c2", _admin, new { clientId = "c3", name = "C" })).ExpectProblem(HttpStatusCode.BadRequest, "validation_failed");
        Assert.NotNull(problem["errors"]!["clientId"]);
        (await Api.GetAsync($"{Clients}/c3", _admin)).ExpectProblem(HttpStatusCode.NotFound, "client_not_found");
        Assert.Equal(1, (await Api.GetAsync(Clients, _admin)).Json["total"]!.GetValue<long>());
    }

    [Fact]
    public async Task Only_the_tenant_admin_and_the_operator_reach_the_registry()
    {
        (await Api.PostAsync(Clients, Api.OperatorKey, new { clientId = "ops", name = "Ops" })).Expect(HttpStatusCode.Created);
        foreach (var (role, microtenantId) in new[] { ("auditor", (string?)null), ("service", null), ("microtenant-admin", "emea"), ("auditor", "emea") })
        {
            var (_, key) = await Api.CreateKeyAsync(_tenant, role, microtenantId);
            (await Api.GetAsync(Clients, key)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
            (await Api.PostAsync(Clients, key, new { clientId = TestData.Id("c"), name = "C" })).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
            (await Api.DeleteAsync($"{Clients}/ops", key)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        }

        (await Api.GetAsync($"{Clients}/ops", _admin)).Expect(HttpStatusCode.OK);
    }
}
