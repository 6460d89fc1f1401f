using System.Net;
using System.Text.Json.Nodes;
using SessionGrains.Tests.Infrastructure;

namespace SessionGrains.Tests.Api;

/// <summary>
/// The Orleans dashboard at <c>/dashboard</c>, on the API's own listener: the operator's alone,
/// with the key as a bearer token or as the password of HTTP Basic (what a browser sends once
/// asked); without it a Basic challenge, and a tenant's key is refused. Its data routes are
/// guarded the same as its page, and none of it is in the API's OpenAPI document.
/// </summary>
[Trait("Category", "Cluster")]
[Collection(SiloCollection.Name)]
public sealed class DashboardApiTests(SiloFixture fixture) : IAsyncLifetime
{
    private const string Challenge = "Basic realm=\"SessionGrains dashboard\"";

    private readonly string _tenant = TestData.Id("dash");
    private string _tenantKey = "";

    private ApiClient Api => fixture.Api;

    public async Task InitializeAsync()
    {
        await Api.CreateTenantAsync(_tenant);
        _tenantKey = (await Api.CreateKeyAsync(_tenant, "tenant-admin")).Key;
    }

    public Task DisposeAsync() => Task.CompletedTask;

    [Theory]
    [InlineData("/dashboard")]
    [InlineData("/dashboard/")]
    [InlineData("/dashboard/index.min.js")]
    [InlineData("/dashboard/version")]
    [InlineData("/dashboard/ClusterStats")]
    public async Task Without_a_key_every_dashboard_route_is_401_with_a_basic_challenge(string path)
    {
        var response = await Api.GetAsync(path, null);

        response.ExpectProblem(HttpStatusCode.Unauthorized, "unauthorized");
        Assert.StartsWith(Challenge, response.Challenge, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_password_is_401_with_the_challenge_again()
    {
        var response = await Api.GetWithBasicAsync("/dashboard/", "operator", "sgo.not-the-key");

        response.ExpectProblem(HttpStatusCode.Unauthorized, "unauthorized");
        Assert.StartsWith(Challenge, response.Challenge, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Credentials_that_are_not_basic_user_and_password_are_401()
    {
        foreach (var credentials in new[] { "!!not-base64!!", Convert.ToBase64String("no colon"u8.ToArray()), new string('A', 2048) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/dashboard/");
            request.Headers.TryAddWithoutValidation("Authorization", $"Basic {credentials}");

            var response = await Api.SendAsync(request);

            response.ExpectProblem(HttpStatusCode.Unauthorized, "unauthorized");
            Assert.StartsWith(Challenge, response.Challenge, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task The_api_takes_the_operator_key_only_as_a_bearer_token_not_as_a_basic_password()
    {
        var response = await Api.GetWithBasicAsync("/api/v1/tenants", "operator", Api.OperatorKey);

        response.ExpectProblem(HttpStatusCode.Unauthorized, "unauthorized");
        Assert.Equal("", response.Challenge);
    }

    [Fact]
    public async Task A_tenant_key_is_refused_as_bearer_and_as_basic_password()
    {
        (await Api.GetAsync("/dashboard/", _tenantKey)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        (await Api.GetWithBasicAsync("/dashboard/", "admin", _tenantKey)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
        (await Api.GetAsync("/dashboard/ClusterStats", _tenantKey)).ExpectProblem(HttpStatusCode.Forbidden, "forbidden");
    }

    [Fact]
    public async Task The_operator_key_as_bearer_opens_the_dashboard_page()
    {
        var page = (await Api.GetAsync("/dashboard/", Api.OperatorKey)).Expect(HttpStatusCode.OK);

        Assert.Equal("text/html", page.MediaType);
        Assert.Contains("<html", page.Body, StringComparison.OrdinalIgnoreCase);
    }

    [Theory]
    [InlineData("operator")]
    [InlineData("")]
    public async Task The_operator_key_as_basic_password_opens_the_dashboard_page_whatever_the_user_name(string user)
    {
        var page = (await Api.GetWithBasicAsync("/dashboard/", user, Api.OperatorKey)).Expect(HttpStatusCode.OK);

        Assert.Equal("text/html", page.MediaType);
        Assert.Contains("<html", page.Body, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task The_dashboard_data_routes_answer_the_operator()
    {
        var version = (await Api.GetWithBasicAsync("/dashboard/version", "operator", Api.OperatorKey)).Expect(HttpStatusCode.OK);
        Assert.False(string.IsNullOrEmpty(version.Json["version"]?.GetValue<string>()));

        var stats = (await Api.GetAsync("/dashboard/ClusterStats", Api.OperatorKey)).Expect(HttpStatusCode.OK);
        Assert.Equal("application/json", stats.MediaType);
        Assert.NotNull(JsonNode.Parse(stats.Body));
    }

    [Fact]
    public async Task The_api_document_holds_neither_the_dashboard_nor_the_metrics()
    {
        var document = (await Api.GetAsync("/openapi/v1.json", null)).Expect(HttpStatusCode.OK).Json;

        var paths = document["paths"]!.AsObject().Select(p => p.Key).ToList();
        Assert.NotEmpty(paths);
        Assert.All(paths, path => Assert.StartsWith("/api/v1/", path, StringComparison.Ordinal));
    }
}
