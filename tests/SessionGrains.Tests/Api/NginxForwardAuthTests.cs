using System.Net;
using System.Net.Http.Headers;
using SessionGrains.Tests.Infrastructure;

namespace SessionGrains.Tests.Api;

/// <summary>
/// Forward auth behind a real gateway: nginx (the Debian package) with <c>auth_request</c> to the
/// silo in front of an upstream app (a second nginx server that echoes the identity headers it is
/// given), all on free loopback ports. The configuration is the one the README shows, so this
/// checks it too: a live token passes and its identity reaches the upstream (overwriting what the
/// client sent in those headers), an ended or missing one is the silo's 401 with its challenge, and
/// a gateway with a wrong key answers 403.
/// </summary>
[Trait("Category", "Cluster")]
[Collection(SiloCollection.Name)]
public sealed class NginxForwardAuthTests(SiloFixture fixture) : IAsyncLifetime
{
    private readonly string _tenant = TestData.Id("nginx");
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseCookies = false }) { Timeout = TimeSpan.FromSeconds(30) };
    private string _service = "";
    private NginxServer? _nginx;
    private Uri _gateway = null!;

    private ApiClient Api => fixture.Api;

    public async Task InitializeAsync()
    {
        await Api.CreateTenantAsync(_tenant);
        _service = (await Api.CreateKeyAsync(_tenant, "service")).Key;
        var ports = FreePorts.Take(2);
        var (gateway, app) = (ports[0], ports[1]);
        var silo = fixture.Silo.Settings.BaseAddress;
        _gateway = new Uri($"http://127.0.0.1:{gateway}");
        _nginx = await NginxServer.StartAsync(prefix => $$"""
            {{NginxServer.Preamble(prefix)}}
            http {
                {{NginxServer.TempPaths(prefix)}}
                upstream sessiongrains {
                    server {{silo.Host}}:{{silo.Port}};
                    keepalive 16;
                }

                # The upstream app: says what identity the gateway handed it.
                server {
                    listen 127.0.0.1:{{app}};
                    location / {
                        default_type text/plain;
                        return 200 "user=$http_x_user_id session=$http_x_session_id email=$http_x_user_email microtenant=$http_x_microtenant_id client=$http_x_client_id method=$request_method";
                    }
                }

                server {
                    listen 127.0.0.1:{{gateway}};

                    location / {
                        auth_request /_sessiongrains;
                        auth_request_set $sg_session_id $upstream_http_x_session_id;
                        auth_request_set $sg_user_id $upstream_http_x_user_id;
                        auth_request_set $sg_user_email $upstream_http_x_user_email;
                        auth_request_set $sg_microtenant_id $upstream_http_x_microtenant_id;
                        auth_request_set $sg_client_id $upstream_http_x_client_id;
                        proxy_set_header X-Session-Id $sg_session_id;
                        proxy_set_header X-User-Id $sg_user_id;
                        proxy_set_header X-User-Email $sg_user_email;
                        proxy_set_header X-Microtenant-Id $sg_microtenant_id;
                        proxy_set_header X-Client-Id $sg_client_id;
                        proxy_pass http://127.0.0.1:{{app}};
                    }

                    location = /_sessiongrains {
                        internal;
                        proxy_pass http://sessiongrains/api/v1/tenants/{{_tenant}}/forward-auth;
                        proxy_method GET;
                        proxy_pass_request_body off;
                        proxy_set_header Content-Length "";
                        proxy_set_header X-Api-Key "{{_service}}";
                        proxy_http_version 1.1;
                        proxy_set_header Connection "";
                    }

                    # The same with a key the silo does not know: a misconfigured gateway.
                    location /misconfigured/ {
                        auth_request /_wrong_key;
                        proxy_pass http://127.0.0.1:{{app}};
                    }

                    location = /_wrong_key {
                        internal;
                        proxy_pass http://sessiongrains/api/v1/tenants/{{_tenant}}/forward-auth;
                        proxy_method GET;
                        proxy_pass_request_body off;
                        proxy_set_header Content-Length "";
                        proxy_set_header X-Api-Key "sgk.not-a-key";
                    }
                }
            }
            """, gateway);
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        if (_nginx is not null)
        {
            await _nginx.DisposeAsync();
        }
    }

    private async Task<(HttpStatusCode Status, string Body, string Challenge)> GetAsync(
        string path, string? token = null, string? cookie = null, HttpMethod? method = null, Action<HttpRequestMessage>? more = null)
    {
        using var request = new HttpRequestMessage(method ?? HttpMethod.Get, new Uri(_gateway, path));
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (cookie is not null)
        {
            request.Headers.TryAddWithoutValidation("Cookie", cookie);
        }

        more?.Invoke(request);
        using var response = await _http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Headers.WwwAuthenticate.ToString());
    }

    private async Task<(string SessionId, string Token)> SignInAsync(string userId)
    {
        var json = await Api.SignInAsync(_tenant, _service, userId);
        return (json.Str("sessionId"), json.Str("token"));
    }

    [Fact]
    public async Task A_live_token_passes_and_its_identity_reaches_the_upstream_over_what_the_client_sent()
    {
        var (sessionId, token) = await SignInAsync("ada");

        var (status, body, _) = await GetAsync("/orders/42", token, more: r => r.Headers.TryAddWithoutValidation("X-User-Id", "mallory"));

        Assert.True(status == HttpStatusCode.OK, $"{(int)status}: {body}\n{_nginx!.ErrorLog}");
        Assert.Equal($"user=ada session={sessionId} email=ada@acme.test microtenant= client=portal method=GET", body);
    }

    [Fact]
    public async Task The_token_in_the_session_cookie_passes_and_so_does_a_post_with_a_body()
    {
        var (sessionId, token) = await SignInAsync("bob");

        var byCookie = await GetAsync("/", cookie: $"theme=dark; sg_session={token}");
        var posted = await GetAsync("/orders", token, method: HttpMethod.Post, more: r => r.Content = new StringContent("{\"item\":1}"));

        Assert.Equal((HttpStatusCode.OK, $"user=bob session={sessionId} email=bob@acme.test microtenant= client=portal method=GET"), (byCookie.Status, byCookie.Body));
        Assert.Equal((HttpStatusCode.OK, $"user=bob session={sessionId} email=bob@acme.test microtenant= client=portal method=POST"), (posted.Status, posted.Body));
    }

    [Fact]
    public async Task An_ended_token_and_no_token_get_401_with_the_silos_bearer_challenge()
    {
        var (_, token) = await SignInAsync("cyd");
        Assert.Equal(HttpStatusCode.OK, (await GetAsync("/", token)).Status);
        (await Api.PostAsync($"/api/v1/tenants/{_tenant}/sessions/logout", _service, new { token })).Expect(HttpStatusCode.NoContent);

        var ended = await GetAsync("/", token);
        var none = await GetAsync("/");

        Assert.Equal((HttpStatusCode.Unauthorized, "Bearer error=\"invalid_token\""), (ended.Status, ended.Challenge));
        Assert.Equal((HttpStatusCode.Unauthorized, "Bearer"), (none.Status, none.Challenge));
        Assert.DoesNotContain("user=", ended.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_gateway_with_a_wrong_key_answers_403_and_not_401_or_500()
    {
        var (_, token) = await SignInAsync("dee");

        var (status, body, challenge) = await GetAsync("/misconfigured/", token);

        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("", challenge);
        Assert.DoesNotContain("user=", body, StringComparison.Ordinal);
    }
}
