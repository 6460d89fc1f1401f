using System.Net;
using System.Text.Json.Nodes;
using SessionGrains.Tests.Infrastructure;

namespace SessionGrains.Tests.Api;

/// <summary>
/// The served OpenAPI document is one a client generator can use: every operation is named,
/// summarised, secured by the bearer key (the OAuth ones by client credentials in HTTP Basic, the
/// discovery ones by nothing at all) and lists the problems it can answer; tags are described;
/// and the readable reference at /docs is served beside it, both without a key.
/// </summary>
[Trait("Category", "Cluster")]
[Collection(SiloCollection.Name)]
public sealed class OpenApiDocumentTests(SiloFixture fixture)
{
    private static readonly string[] Methods = ["get", "put", "post", "delete", "patch", "head", "options", "trace"];

    private ApiClient Api => fixture.Api;

    private async Task<JsonObject> DocumentAsync() =>
        (await Api.GetAsync("/openapi/v1.json", null)).Expect(HttpStatusCode.OK).Json;

    private static IEnumerable<(string Path, string Method, JsonObject Operation)> Operations(JsonObject document) =>
        from path in document["paths"]!.AsObject()
        from method in path.Value!.AsObject()
        where Methods.Contains(method.Key)
        select (path.Key, method.Key, method.Value!.AsObject());

    private static List<(string Path, string Method, JsonObject Operation)> ApiOperations(JsonObject document) =>
        Operations(document).Where(o => o.Path.StartsWith("/api/v1/", StringComparison.Ordinal)).ToList();

    /// <summary>The discovery routes (JWKS, OpenID Provider metadata): relying parties fetch them without any key.</summary>
    private static bool IsDiscovery(string path) => path.Contains("/.well-known/", StringComparison.Ordinal);

    [Fact]
    public async Task Every_operation_has_a_unique_operation_id_and_a_summary()
    {
        var operations = Operations(await DocumentAsync()).ToList();

        Assert.NotEmpty(operations);
        Assert.All(operations, o =>
        {
            Assert.False(string.IsNullOrWhiteSpace(o.Operation["operationId"]?.GetValue<string>()), $"{o.Method} {o.Path}: no operationId");
            Assert.False(string.IsNullOrWhiteSpace(o.Operation["summary"]?.GetValue<string>()), $"{o.Method} {o.Path}: no summary");
        });
        var ids = operations.Select(o => o.Operation["operationId"]!.GetValue<string>()).ToList();
        Assert.Equal(ids.Count, ids.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public async Task Every_api_operation_requires_the_bearer_scheme_the_document_defines_and_forward_auth_the_gateways_header()
    {
        var document = await DocumentAsync();
        var bearer = SchemesOf(document, "bearer");
        var basic = SchemesOf(document, "basic");
        var gateway = (document["components"]?["securitySchemes"]?.AsObject() ?? [])
            .Where(s => s.Value?["type"]?.GetValue<string>() == "apiKey" && s.Value["in"]?.GetValue<string>() == "header"
                && s.Value["name"]?.GetValue<string>() == "X-Api-Key")
            .Select(s => s.Key)
            .ToHashSet();
        Assert.NotEmpty(bearer);
        Assert.NotEmpty(basic);
        Assert.Single(gateway);

        // The OAuth operations take OAuth client credentials (HTTP Basic) instead, and only those.
        var api = ApiOperations(document);
        Assert.NotEmpty(api);
        Assert.Contains(api, o => o.Path.Contains("/oauth/", StringComparison.Ordinal));
        Assert.Equal(2, api.Count(o => IsDiscovery(o.Path)));
        Assert.All(api, o =>
        {
            var security = (o.Operation["security"] ?? document["security"])?.AsArray() ?? [];
            if (IsDiscovery(o.Path))
            {
                // No key is asked for, so none may be claimed: a generated client would send one.
                Assert.True(security.All(requirement => requirement!.AsObject().Count == 0), $"{o.Method} {o.Path}: a security requirement on a route that takes no key");
                return;
            }
            if (o.Path.EndsWith("/forward-auth", StringComparison.Ordinal))
            {
                // The gateway's key alone: a bearer token there is the user's, not a key.
                Assert.True(
                    security.Count > 0 && security.All(requirement => requirement!.AsObject().All(r => gateway.Contains(r.Key))),
                    $"{o.Method} {o.Path}: not the X-Api-Key requirement alone");
                return;
            }

            var schemes = security.SelectMany(requirement => requirement!.AsObject().Select(r => r.Key)).ToList();
            var expected = o.Path.Contains("/oauth/", StringComparison.Ordinal) ? basic : bearer;
            Assert.True(schemes.Count > 0 && schemes.Any(expected.Contains), $"{o.Method} {o.Path}: no {(expected == basic ? "basic" : "bearer")} security requirement");
            Assert.True(expected == bearer || schemes.All(basic.Contains), $"{o.Method} {o.Path}: an OAuth operation with another scheme than basic");
        });
    }

    private static HashSet<string> SchemesOf(JsonNode document, string scheme) =>
        (document["components"]?["securitySchemes"]?.AsObject() ?? [])
            .Where(s => s.Value?["type"]?.GetValue<string>() == "http"
                && string.Equals(s.Value["scheme"]?.GetValue<string>(), scheme, StringComparison.OrdinalIgnoreCase))
            .Select(s => s.Key)
            .ToHashSet();

    [Fact]
    public async Task Every_api_operation_lists_its_401_and_403_problems()
    {
        var api = ApiOperations(await DocumentAsync());

        Assert.NotEmpty(api);
        Assert.All(api, o =>
        {
            // The discovery routes refuse no caller; what they can answer is a missing tenant.
            foreach (var status in IsDiscovery(o.Path) ? ["404"] : new[] { "401", "403" })
            {
                Assert.True(
                    o.Operation["responses"]?[status]?["content"]?["application/problem+json"] is not null,
                    $"{o.Method} {o.Path}: no {status} application/problem+json response");
            }
        });
    }

    [Fact]
    public async Task Every_tag_an_operation_uses_is_described()
    {
        var document = await DocumentAsync();
        var described = (document["tags"]?.AsArray() ?? [])
            .Where(t => !string.IsNullOrWhiteSpace(t!["description"]?.GetValue<string>()))
            .Select(t => t!["name"]!.GetValue<string>())
            .ToHashSet();

        var used = Operations(document).SelectMany(o => o.Operation["tags"]?.AsArray() ?? []).Select(t => t!.GetValue<string>()).ToHashSet();

        Assert.NotEmpty(used);
        Assert.Empty(used.Except(described));
    }

    [Fact]
    public async Task The_api_reference_is_served_at_docs_without_a_key()
    {
        var response = await Api.GetAsync("/docs", null);

        response.Expect(HttpStatusCode.OK);
        Assert.Equal("text/html", response.MediaType);
        Assert.Contains("openapi/v1.json", response.Body);
    }
}
