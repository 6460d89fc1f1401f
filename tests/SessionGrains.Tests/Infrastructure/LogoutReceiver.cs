using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace SessionGrains.Tests.Infrastructure;

/// <summary>
/// Relying parties' back-channel logout endpoints, on a real HTTP server on a free loopback port:
/// <c>POST /logout/{name}</c> takes the form as a relying party would, records every request
/// (content type, logout token, the status it answered) and answers as the test says: 200, 503 for
/// the first few, or not at all until released.
/// </summary>
public sealed class LogoutReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Endpoint> _endpoints = new();

    private LogoutReceiver(WebApplication app, int port)
    {
        _app = app;
        Port = port;
    }

    public int Port { get; }

    /// <summary>One request as received.</summary>
    public sealed record Request(string? ContentType, string? Token, int Answered);

    /// <summary>Starts the receiver.</summary>
    public static async Task<LogoutReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        LogoutReceiver? receiver = null;
        app.MapPost("/logout/{name}", (string name, HttpRequest request) => receiver!.ReceiveAsync(name, request));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.Single();
        receiver = new LogoutReceiver(app, new Uri(address).Port);
        return receiver;
    }

    /// <summary>The back-channel logout URI of endpoint <paramref name="name"/>.</summary>
    public string Url(string name) => $"http://127.0.0.1:{Port}/logout/{name}";

    /// <summary>Endpoint <paramref name="name"/> answers 503 to its next <paramref name="count"/> requests.</summary>
    public void FailNext(string name, int count) => Of(name).FailNext = count;

    /// <summary>Endpoint <paramref name="name"/> holds every request without answering until <see cref="Release"/>.</summary>
    public void Hold(string name) => Of(name).Held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Answers every held request of <paramref name="name"/> (200) and holds no more.</summary>
    public void Release(string name)
    {
        var endpoint = Of(name);
        var held = endpoint.Held;
        endpoint.Held = null;
        held?.TrySetResult();
    }

    /// <summary>Every request endpoint <paramref name="name"/> has had, in the order they arrived.</summary>
    public IReadOnlyList<Request> Requests(string name)
    {
        var endpoint = Of(name);
        lock (endpoint.Requests)
        {
            return [.. endpoint.Requests];
        }
    }

    /// <summary>The tokens endpoint <paramref name="name"/> answered 200 to.</summary>
    public IReadOnlyList<string> Accepted(string name) => [.. Requests(name).Where(r => r.Answered == 200 && r.Token is not null).Select(r => r.Token!)];

    /// <summary>Requests held right now at <paramref name="name"/>.</summary>
    public int Waiting(string name) => Volatile.Read(ref Of(name).Waiting);

    private Endpoint Of(string name) => _endpoints.GetOrAdd(name, _ => new Endpoint());

    private async Task<IResult> ReceiveAsync(string name, HttpRequest request)
    {
        var endpoint = Of(name);
        string? token = null;
        if (request.HasFormContentType)
        {
            token = (await request.ReadFormAsync()).TryGetValue("logout_token", out var value) ? value.ToString() : null;
        }

        if (endpoint.Held is { } held)
        {
            Interlocked.Increment(ref endpoint.Waiting);
            try
            {
                await held.Task.WaitAsync(TimeSpan.FromSeconds(60));
            }
            finally
            {
                Interlocked.Decrement(ref endpoint.Waiting);
            }
        }

        var answer = Interlocked.Decrement(ref endpoint.FailNext) >= 0 ? 503 : 200;
        lock (endpoint.Requests)
        {
            endpoint.Requests.Add(new Request(request.ContentType, token, answer));
        }

        return Results.StatusCode(answer);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var endpoint in _endpoints.Values)
        {
            endpoint.Held?.TrySetResult();
        }

        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    private sealed class Endpoint
    {
        public readonly List<Request> Requests = [];
        public int FailNext;
        public int Waiting;
        public volatile TaskCompletionSource? Held;
    }
}
