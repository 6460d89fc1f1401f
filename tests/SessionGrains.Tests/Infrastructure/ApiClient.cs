using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace SessionGrains.Tests.Infrastructure;

/// <summary>A thin HTTP client for the contract's routes, as an outside client would call them.</summary>
public sealed class ApiClient(Uri baseAddress, string operatorKey, TimeSpan? timeout = null) : IDisposable
{
    // No cookie jar: a cookie one test was given (the console's) must not authenticate another's request.
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseCookies = false })
    {
        BaseAddress = baseAddress,
        Timeout = timeout ?? TimeSpan.FromSeconds(30),
    };

    public string OperatorKey { get; } = operatorKey;

    public async Task<Response> SendAsync(
        HttpMethod method, string path, string? key, object? body = null, string? rawBody = null, string contentType = "application/json",
        CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(method, path);
        if (key is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        }

        if (rawBody is not null)
        {
            request.Content = new StringContent(rawBody, Encoding.UTF8, contentType);
        }
        else if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        return await SendAsync(request, cancellationToken);
    }

    /// <summary>Sends a request as built by the caller (another scheme than a bearer key, say) and reads the answer.</summary>
    public async Task<Response> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken = default)
    {
        using var response = await _http.SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        return new Response(response.StatusCode, response.Content.Headers.ContentType?.MediaType, text)
        {
            ClosesConnection = response.Headers.ConnectionClose == true,
            Challenge = response.Headers.WwwAuthenticate.ToString(),
            RetryAfter = response.Headers.RetryAfter?.Delta,
            SetCookies = response.Headers.TryGetValues("Set-Cookie", out var cookies) ? [.. cookies] : [],
            Headers = response.Headers.Concat(response.Content.Headers)
                .ToDictionary(h => h.Key, h => string.Join(", ", h.Value), StringComparer.OrdinalIgnoreCase),
        };
    }

    /// <summary>A GET with HTTP Basic credentials, as a browser sends them once asked.</summary>
    public async Task<Response> GetWithBasicAsync(string path, string user, string password, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = new AuthenticationHeaderValue(
            "Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        return await SendAsync(request, cancellationToken);
    }

    /// <summary>HTTP Basic credentials, as RFC 6749 §2.3.1 has an OAuth client send its id and secret.</summary>
    public static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));

    /// <summary>A form POST (application/x-www-form-urlencoded), with <paramref name="authorization"/> (null: none).</summary>
    public async Task<Response> PostFormAsync(
        string path, AuthenticationHeaderValue? authorization, IEnumerable<KeyValuePair<string, string>> form, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new FormUrlEncodedContent(form) };
        request.Headers.Authorization = authorization;
        return await SendAsync(request, cancellationToken);
    }

    public Task<Response> GetAsync(string path, string? key, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Get, path, key, cancellationToken: cancellationToken);

    public Task<Response> PostAsync(string path, string? key, object? body, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Post, path, key, body, cancellationToken: cancellationToken);

    public Task<Response> PutAsync(string path, string? key, object? body, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Put, path, key, body, cancellationToken: cancellationToken);

    public Task<Response> DeleteAsync(string path, string? key, CancellationToken cancellationToken = default) =>
        SendAsync(HttpMethod.Delete, path, key, cancellationToken: cancellationToken);

    public async Task CreateTenantAsync(string tenantId, CancellationToken cancellationToken = default) =>
        (await PostAsync("/api/v1/tenants", OperatorKey, new { tenantId, name = tenantId }, cancellationToken)).Expect(HttpStatusCode.Created);

    /// <summary>Creates a key and returns (keyId, secret).</summary>
    public async Task<(string KeyId, string Key)> CreateKeyAsync(
        string tenantId, string role, string? microtenantId = null, CancellationToken cancellationToken = default)
    {
        var json = (await PostAsync($"/api/v1/tenants/{tenantId}/api-keys", OperatorKey, new { name = role, role, microtenantId }, cancellationToken))
            .Expect(HttpStatusCode.Created).Json;
        return (json["keyId"]!.GetValue<string>(), json["key"]!.GetValue<string>());
    }

    public async Task<JsonObject> SignInAsync(
        string tenantId, string key, string userId, string clientId = "portal", CancellationToken cancellationToken = default) =>
        (await PostAsync($"/api/v1/tenants/{tenantId}/sessions", key, new
        {
            userId,
            userEmail = $"{userId}@acme.test",
            clientId,
            ipAddress = "203.0.113.7",
            userAgent = "Mozilla/5.0",
            claims = new { groups = "eng" },
        }, cancellationToken)).Expect(HttpStatusCode.Created).Json;

    public async Task<JsonObject> ValidateAsync(string tenantId, string key, string token, CancellationToken cancellationToken = default) =>
        (await PostAsync($"/api/v1/tenants/{tenantId}/sessions/validate", key, new { token }, cancellationToken)).Expect(HttpStatusCode.OK).Json;

    /// <summary>
    /// Forward auth as a gateway asks it: its key in <c>X-Api-Key</c> (none when null), the user's
    /// token in <c>Authorization: Bearer</c> (none when null) and <paramref name="cookie"/> as the
    /// <c>Cookie</c> header, as sent.
    /// </summary>
    public async Task<Response> ForwardAuthAsync(
        string tenantId, string? gatewayKey, string? token, string? cookie = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/v1/tenants/{tenantId}/forward-auth");
        if (gatewayKey is not null)
        {
            request.Headers.TryAddWithoutValidation("X-Api-Key", gatewayKey);
        }

        if (token is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {token}");
        }

        if (cookie is not null)
        {
            request.Headers.TryAddWithoutValidation("Cookie", cookie);
        }

        return await SendAsync(request, cancellationToken);
    }

    public void Dispose() => _http.Dispose();
}

/// <summary>A response read to the end.</summary>
public sealed record Response(HttpStatusCode Status, string? MediaType, string Body)
{
    /// <summary>The server said <c>Connection: close</c>: this connection takes no further request.</summary>
    public bool ClosesConnection { get; init; }

    /// <summary>The <c>WWW-Authenticate</c> header, empty when there is none.</summary>
    public string Challenge { get; init; } = "";

    /// <summary>The <c>Retry-After</c> header as a delay, null when there is none.</summary>
    public TimeSpan? RetryAfter { get; init; }

    /// <summary>The <c>Set-Cookie</c> headers, as sent.</summary>
    public IReadOnlyList<string> SetCookies { get; init; } = [];

    /// <summary>Every header of the answer by name (any case), values of a repeated one joined by ", ".</summary>
    public IReadOnlyDictionary<string, string> Headers { get; init; } = new Dictionary<string, string>();

    /// <summary>The header <paramref name="name"/>, null when the answer has none.</summary>
    public string? Header(string name) => Headers.GetValueOrDefault(name);

    public JsonObject Json => JsonNode.Parse(Body)!.AsObject();

    public Response Expect(HttpStatusCode status)
    {
        Assert.True(Status == status, $"Expected {(int)status} but got {(int)Status}: {Body}");
        return this;
    }

    /// <summary>Asserts a problem response with the given status and code.</summary>
    public JsonObject ExpectProblem(HttpStatusCode status, string code)
    {
        Expect(status);
        Assert.Equal("application/problem+json", MediaType);
        var json = Json;
        Assert.Equal(code, json["code"]?.GetValue<string>());
        Assert.Equal((int)status, json["status"]!.GetValue<int>());
        Assert.False(string.IsNullOrEmpty(json["title"]?.GetValue<string>()));
        Assert.False(string.IsNullOrEmpty(json["type"]?.GetValue<string>()));
        return json;
    }
}

public static class JsonNodeExtensions
{
    public static string Str(this JsonObject json, string name) => json[name]!.GetValue<string>();

    public static JsonSerializerOptions Web { get; } = new(JsonSerializerDefaults.Web);
}
