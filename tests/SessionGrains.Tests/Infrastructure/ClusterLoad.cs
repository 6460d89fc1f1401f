using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace SessionGrains.Tests.Infrastructure;

/// <summary>
/// Sign-ins, validations and terminations from several workers through every ready silo, and a
/// ledger of what each answer promised: a <c>201</c> is a session that must survive, a
/// <c>204</c> to a terminate is one that must never validate again. A request that failed (no
/// answer, or an answer outside the contract's success) is an error, with the time and silo; an
/// operation whose outcome is unknown (a create or terminate without an answer) is left out of
/// the promises either way.
/// </summary>
public sealed class ClusterLoad : IAsyncDisposable
{
    private const int MaxOperationsPerWorker = 200_000;

    private readonly ReadySiloRouter _router;
    private readonly HttpClient[] _clients;
    private readonly string _tenant;
    private readonly string _serviceKey;
    private readonly string _adminKey;
    private readonly ConcurrentDictionary<string, LedgerEntry> _sessions = new();
    private readonly ConcurrentQueue<string> _ids = new();
    private readonly ConcurrentQueue<LoadError> _errors = new();
    private readonly ConcurrentQueue<string> _violations = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly CancellationTokenSource _stop = new();
    private Task[] _workers = [];
    private long _succeeded;

    public ClusterLoad(IReadOnlyList<Uri> silos, string tenant, string serviceKey, string adminKey)
    {
        _router = new ReadySiloRouter(silos);
        _clients = [.. silos.Select(s => new HttpClient { BaseAddress = s, Timeout = TimeSpan.FromSeconds(20) })];
        _tenant = tenant;
        _serviceKey = serviceKey;
        _adminKey = adminKey;
    }

    /// <summary>Time since the load was created; errors are stamped with it.</summary>
    public TimeSpan Elapsed => _clock.Elapsed;

    public long Succeeded => Interlocked.Read(ref _succeeded);

    public IReadOnlyCollection<LoadError> Errors => _errors;

    /// <summary>
    /// Validations that broke a promise: active for a session whose termination had already
    /// returned 204, or inactive for one created with 201 and never ended.
    /// </summary>
    public IReadOnlyCollection<string> Violations => _violations;

    /// <summary>Sessions whose create returned 201, with what became of them.</summary>
    public IReadOnlyDictionary<string, LedgerEntry> Sessions => _sessions;

    public void Start(int workers) =>
        _workers = [.. Enumerable.Range(0, workers).Select(seed => Task.Run(() => WorkAsync(new Random(seed), _stop.Token)))];

    /// <summary>Waits until <paramref name="count"/> more requests succeeded, bounded by <paramref name="limit"/>.</summary>
    public async Task WaitForSuccessesAsync(long count, TimeSpan limit, CancellationToken cancellationToken)
    {
        var target = Succeeded + count;
        await Poll.UntilAsync(_ => Task.FromResult(Succeeded >= target), limit,
            () => $"Only {Succeeded - target + count} of {count} requests succeeded in {limit}; errors: {Describe(Errors.TakeLast(10))}", cancellationToken);
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_workers);
    }

    public static string Describe(IEnumerable<LoadError> errors) =>
        string.Join("\n", errors.Select(e => $"  {e.At.TotalSeconds:F2}s silo {e.Silo} {e.Operation}: {e.What}"));

    private async Task WorkAsync(Random random, CancellationToken cancellationToken)
    {
        for (var i = 0; i < MaxOperationsPerWorker && !cancellationToken.IsCancellationRequested; i++)
        {
            var silo = _router.Next();
            if (silo < 0)
            {
                await Delay(TimeSpan.FromMilliseconds(20), cancellationToken);
                continue;
            }

            var roll = random.Next(100);
            var target = Pick(random);
            if (roll < 40 || target is null)
            {
                await SignInAsync(silo, i, cancellationToken);
            }
            else if (roll < 85)
            {
                await ValidateAsync(silo, target.Value.Id, target.Value.Entry, cancellationToken);
            }
            else
            {
                await TerminateAsync(silo, target.Value.Id, target.Value.Entry, cancellationToken);
            }
        }
    }

    private (string Id, LedgerEntry Entry)? Pick(Random random)
    {
        if (_ids.IsEmpty)
        {
            return null;
        }

        // A recent session most of the time, an old one sometimes: both the hot and the cold path.
        var ids = _ids.ToArray();
        var index = random.Next(4) == 0 ? random.Next(ids.Length) : Math.Max(0, ids.Length - 1 - random.Next(Math.Min(ids.Length, 50)));
        return _sessions.TryGetValue(ids[index], out var entry) ? (ids[index], entry) : null;
    }

    private async Task SignInAsync(int silo, int n, CancellationToken cancellationToken)
    {
        var body = new { userId = $"u-{n % 97}", userEmail = $"u{n % 97}@acme.test", clientId = "portal", ipAddress = "203.0.113.7" };
        var answer = await SendAsync(silo, "sign-in", HttpMethod.Post, $"/api/v1/tenants/{_tenant}/sessions", _serviceKey, body, HttpStatusCode.Created, cancellationToken);
        if (answer is not null)
        {
            var json = JsonNode.Parse(answer)!.AsObject();
            var id = json.Str("sessionId");
            _sessions[id] = new LedgerEntry(json.Str("token"));
            _ids.Enqueue(id);
        }
    }

    private async Task ValidateAsync(int silo, string id, LedgerEntry entry, CancellationToken cancellationToken)
    {
        var before = entry.State;
        var answer = await SendAsync(silo, "validate", HttpMethod.Post, $"/api/v1/tenants/{_tenant}/sessions/validate", _serviceKey,
            new { token = entry.Token }, HttpStatusCode.OK, cancellationToken);
        if (answer is null)
        {
            return;
        }

        var active = JsonNode.Parse(answer)!["active"]!.GetValue<bool>();
        if (before == LedgerState.Ended && active)
        {
            _violations.Enqueue($"{_clock.Elapsed.TotalSeconds:F2}s silo {silo}: {id} validated after its termination returned 204");
        }
        else if (before == LedgerState.Live && entry.State == LedgerState.Live && !active)
        {
            _violations.Enqueue($"{_clock.Elapsed.TotalSeconds:F2}s silo {silo}: {id}, created with 201 and never ended, did not validate: {answer}");
        }
    }

    private async Task TerminateAsync(int silo, string id, LedgerEntry entry, CancellationToken cancellationToken)
    {
        if (!entry.TryBeginTermination())
        {
            return;
        }

        var answer = await SendAsync(silo, "terminate", HttpMethod.Delete, $"/api/v1/tenants/{_tenant}/sessions/{id}", _adminKey, null,
            HttpStatusCode.NoContent, cancellationToken);
        if (answer is not null)
        {
            entry.Ended();
        }
    }

    /// <summary>The body of an answer with <paramref name="expected"/> status, or null (and an error recorded) for anything else.</summary>
    private async Task<string?> SendAsync(
        int silo, string operation, HttpMethod method, string path, string key, object? body, HttpStatusCode expected, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body);
        }

        try
        {
            using var response = await _clients[silo].SendAsync(request, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            if (response.StatusCode == expected)
            {
                Interlocked.Increment(ref _succeeded);
                return text;
            }

            _errors.Enqueue(new LoadError(_clock.Elapsed, silo, operation, $"{(int)response.StatusCode} {text}", (int)response.StatusCode));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The load was stopped; not an error of the cluster.
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or IOException)
        {
            _errors.Enqueue(new LoadError(_clock.Elapsed, silo, operation, $"{ex.GetType().Name}: {ex.Message}", null));
        }

        return null;
    }

    private static async Task Delay(TimeSpan delay, CancellationToken cancellationToken)
    {
        try
        {
            await Task.Delay(delay, cancellationToken);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync();
        }

        await _router.DisposeAsync();
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        _stop.Dispose();
    }
}

/// <summary>What the answers said of one session whose create returned 201.</summary>
public sealed class LedgerEntry(string token)
{
    private int _state = (int)LedgerState.Live;

    public string Token { get; } = token;

    public LedgerState State => (LedgerState)Volatile.Read(ref _state);

    /// <summary>Claims the session for one termination; false when it is not live (ended, or being ended).</summary>
    public bool TryBeginTermination() =>
        Interlocked.CompareExchange(ref _state, (int)LedgerState.Unknown, (int)LedgerState.Live) == (int)LedgerState.Live;

    public void Ended() => Volatile.Write(ref _state, (int)LedgerState.Ended);
}

public enum LedgerState
{
    /// <summary>Created, never ended by the load.</summary>
    Live,

    /// <summary>A termination returned 204.</summary>
    Ended,

    /// <summary>A termination was sent and got no answer: either is allowed.</summary>
    Unknown,
}

/// <summary>
/// A request that did not get its success answer, stamped <see cref="At"/> when its failure
/// came back (a request sent before a kill fails after it). <see cref="Status"/> is null when no
/// answer came at all.
/// </summary>
public sealed record LoadError(TimeSpan At, int Silo, string Operation, string What, int? Status);
