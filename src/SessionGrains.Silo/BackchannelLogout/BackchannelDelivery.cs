using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Collections.Immutable;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using SessionGrains.Grains;
using SessionGrains.Silo.Hosting;
using SessionGrains.SigningKeys;

namespace SessionGrains.Silo.BackchannelLogout;

/// <summary>
/// Delivers logout notices from the outbox, on every silo: it claims due rows (each claim is this
/// silo's for a lease, so silos share the outbox without a coordinator), has the tenant's
/// <see cref="ISigningKeysGrain"/> sign their logout tokens, and POSTs each to its receiver.
/// Receivers are kept apart: each has its own bound on requests in flight, and one whose requests
/// pile up gets no more claimed until they drain, so a slow or dead receiver holds back only
/// itself. Claims are paced at <see cref="BackchannelLogoutOptions.MaxDeliveriesPerSecond"/>.
/// Nothing here is on the path of an end call: ends only insert rows.
/// </summary>
internal sealed partial class BackchannelDelivery : BackgroundService
{
    /// <summary>The most tokens one signing call carries.</summary>
    private const int SignChunk = 256;

    /// <summary>The most receivers one round looks at (the next round starts after the last of them).</summary>
    private const int MaxReceiversPerRound = 1_000;

    private static readonly MediaTypeHeaderValue FormType = new("application/x-www-form-urlencoded");

    private readonly BackchannelOutbox _outbox;
    private readonly IGrainFactory _grains;
    private readonly PublicUrls _urls;
    private readonly BackchannelLogoutOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<BackchannelDelivery> _logger;
    private readonly HttpClient _http;
    private readonly ConcurrentDictionary<string, Receiver> _receivers = new();

    /// <summary>The sends under way, so a stop can let those on the wire finish.</summary>
    private readonly ConcurrentDictionary<long, Task> _sends = new();

    /// <summary>Set when an answer frees room: wakes the claim loop once, however many answers came.</summary>
    private readonly SemaphoreSlim _answered = new(0, 1);

    private readonly DeliveryPace _pace;
    private int _inFlight;
    private long _sendIds;

    /// <summary>Which receiver a round starts with, and after which one it looks (more than a round's worth).</summary>
    private int _round;
    private string _receiversAfter = "";

    /// <summary>A worker over <paramref name="outbox"/>; times of the outbox come from the session clock.</summary>
    public BackchannelDelivery(
        BackchannelOutbox outbox, IGrainFactory grains, PublicUrls urls, IOptions<BackchannelLogoutOptions> options,
        [FromKeyedServices(Clock.Key)] TimeProvider time, ILogger<BackchannelDelivery> logger)
    {
        _outbox = outbox;
        _grains = grains;
        _urls = urls;
        _options = options.Value;
        _time = time;
        _logger = logger;
        _pace = new DeliveryPace(_options.MaxDeliveriesPerSecond);
        _http = new HttpClient(new SocketsHttpHandler
        {
            // A receiver answers for itself; a redirect could send the token somewhere else.
            AllowAutoRedirect = false,
            UseCookies = false,
            ConnectTimeout = TimeSpan.FromSeconds(Math.Min(5, _options.RequestTimeoutSeconds)),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            MaxConnectionsPerServer = _options.MaxConcurrencyPerReceiver,
        })
        {
            Timeout = TimeSpan.FromSeconds(_options.RequestTimeoutSeconds),
        };
        _http.DefaultRequestHeaders.UserAgent.ParseAdd("SessionGrains-BackchannelLogout/1");
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var idle = TimeSpan.FromMilliseconds(_options.PollIntervalMilliseconds);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (await ClaimAndSendAsync(stoppingToken) == 0)
                {
                    // Nothing due, or no room: wait for an answer to free room, or the next look.
                    await _answered.WaitAsync(idle, stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                // The claimed rows (if any) come back when their lease runs out; nothing is lost.
                LogClaimFailed(ex);
                try
                {
                    await Task.Delay(idle * 4, TimeProvider.System, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        // Stopping: requests already on the wire finish (each within its timeout) and are recorded,
        // so a rolling restart does not send them again when their lease runs out; notices still
        // waiting for their receiver are left to the lease.
        try
        {
            await Task.WhenAll(_sends.Values).WaitAsync(TimeSpan.FromSeconds(_options.RequestTimeoutSeconds + 2));
        }
        catch (TimeoutException)
        {
            // The host's own shutdown limit is the last word; what did not finish comes back with its lease.
        }
    }

    public override void Dispose()
    {
        _http.Dispose();
        _answered.Dispose();
        base.Dispose();
    }

    /// <summary>
    /// One round: the receivers with notices due, each in turn (the round starts one further each
    /// time, so none is always last), skipping those with enough of this silo's requests already,
    /// each claimed for as many as its room, the silo's room and the pace allow; every notice is
    /// then sent on its own. Says how many were claimed.
    /// </summary>
    private async Task<int> ClaimAndSendAsync(CancellationToken stoppingToken)
    {
        var room = Math.Min(_options.BatchSize, _options.MaxInFlight - Volatile.Read(ref _inFlight));
        if (room <= 0)
        {
            return 0;
        }

        var now = _time.GetUtcNow();
        var due = await _outbox.DueReceiversAsync(now, _receiversAfter, MaxReceiversPerRound, stoppingToken);
        // More receivers than a round looks at: the next round goes on from the last one seen.
        _receiversAfter = due.Count == MaxReceiversPerRound ? due[^1] : "";
        var open = due.Where(r => ReceiverRoom(r) > 0).ToList();
        if (open.Count == 0)
        {
            return 0;
        }

        var allowed = _pace.Take(room);
        if (allowed < Math.Min(room, 32))
        {
            // Over the pace: wait for a useful amount rather than claim a few rows at a time.
            _pace.GiveBack(allowed);
            await Task.Delay(TimeSpan.FromMilliseconds(20), TimeProvider.System, stoppingToken);
            return 1;
        }

        var claimed = 0;
        var start = (int)(unchecked((uint)_round++) % (uint)open.Count);
        var leaseUntil = now + TimeSpan.FromSeconds(_options.LeaseSeconds);
        for (var i = 0; i < open.Count && claimed < allowed; i++)
        {
            var receiver = open[(start + i) % open.Count];
            var rows = await _outbox.ClaimAsync(now, leaseUntil, receiver, Math.Min(ReceiverRoom(receiver), allowed - claimed), stoppingToken);
            claimed += rows.Count;
            foreach (var tenant in rows.GroupBy(e => e.TenantId))
            {
                foreach (var chunk in tenant.Chunk(SignChunk))
                {
                    await SignAndSendAsync(tenant.Key, chunk, stoppingToken);
                }
            }
        }

        _pace.GiveBack(allowed - claimed);
        return claimed;
    }

    /// <summary>How many more of <paramref name="receiver"/>'s notices this silo may hold unanswered.</summary>
    private int ReceiverRoom(string receiver) =>
        _options.MaxQueuedPerReceiver - (_receivers.TryGetValue(receiver, out var known) ? Volatile.Read(ref known.InFlight) : 0);

    private async Task SignAndSendAsync(string tenantId, OutboxEntry[] entries, CancellationToken stoppingToken)
    {
        var issuedAt = _time.GetUtcNow();
        var issuer = _urls.Issuer(tenantId);
        ImmutableArray<string> tokens;
        try
        {
            tokens = await _grains.GetGrain<ISigningKeysGrain>(tenantId).SignLogoutTokens(
                [.. entries.Select(e => new LogoutTokenClaims(issuer, e.ClientId, e.UserId, e.SessionId, Jti(e), issuedAt))]);
        }
        catch (Exception ex) when (!stoppingToken.IsCancellationRequested)
        {
            LogSigningFailed(ex, tenantId);
            foreach (var entry in entries)
            {
                await RecordAsync(entry, delivered: false, "the tenant's signing key could not be used", issuedAt);
            }

            return;
        }

        for (var i = 0; i < entries.Length; i++)
        {
            var receiver = _receivers.GetOrAdd(entries[i].Receiver, _ => new Receiver(_options.MaxConcurrencyPerReceiver));
            Interlocked.Increment(ref _inFlight);
            Interlocked.Increment(ref receiver.InFlight);
            var id = Interlocked.Increment(ref _sendIds);
            var send = SendAsync(id, entries[i], tokens[i], receiver, stoppingToken);
            _sends[id] = send;
            if (send.IsCompleted)
            {
                _sends.TryRemove(id, out _);
            }
        }
    }

    /// <summary>
    /// The token's id: the same for every attempt at one session's notice, so a receiver that
    /// de-duplicates by <c>jti</c> sees a retry as what it is (delivery is at least once).
    /// </summary>
    private static string Jti(OutboxEntry entry) =>
        Base64Url.EncodeToString(SHA256.HashData(Encoding.UTF8.GetBytes($"{entry.TenantId}\n{entry.SessionId}")).AsSpan(0, 18));

    private async Task SendAsync(long id, OutboxEntry entry, string token, Receiver receiver, CancellationToken stoppingToken)
    {
        try
        {
            await SendAsync(entry, token, receiver, stoppingToken);
        }
        finally
        {
            _sends.TryRemove(id, out _);
        }
    }

    private async Task SendAsync(OutboxEntry entry, string token, Receiver receiver, CancellationToken stoppingToken)
    {
        bool delivered = false;
        string? error = null;
        try
        {
            await receiver.Gate.WaitAsync(stoppingToken);
            try
            {
                using var content = new ByteArrayContent(Encoding.ASCII.GetBytes("logout_token=" + token));
                content.Headers.ContentType = FormType;
                // Not cancelled by a stop: once sent, the answer is waited for (within the timeout) and recorded.
                using var response = await _http.PostAsync(entry.Uri, content, CancellationToken.None);
                delivered = response.IsSuccessStatusCode;
                error = delivered ? null : $"HTTP {(int)response.StatusCode}";
            }
            finally
            {
                receiver.Gate.Release();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping before it was sent: the lease brings the notice back to whichever silo is up.
            Done(receiver);
            return;
        }
        catch (TaskCanceledException)
        {
            error = $"no answer within {_options.RequestTimeoutSeconds} s";
        }
        catch (HttpRequestException ex)
        {
            error = ex.HttpRequestError == HttpRequestError.Unknown ? "request failed" : $"request failed: {ex.HttpRequestError}";
        }
        catch (Exception ex) when (ex is InvalidOperationException or UriFormatException)
        {
            error = "the back-channel logout URI cannot be requested";
        }

        try
        {
            await RecordAsync(entry, delivered, error, _time.GetUtcNow());
        }
        finally
        {
            Done(receiver);
        }
    }

    private async Task RecordAsync(OutboxEntry entry, bool delivered, string? error, DateTimeOffset at)
    {
        var retryAt = delivered ? null : RetrySchedule.Next(entry.Attempts + 1, at, entry.QueuedAt, _options, Random.Shared.NextDouble());
        try
        {
            await _outbox.RecordAsync(new DeliveryOutcome(entry.TenantId, entry.SessionId, at, delivered, error, retryAt), CancellationToken.None);
        }
        catch (Exception ex)
        {
            // Not recorded: the lease brings the notice back, and a delivered one goes once more
            // (the same jti), which is what at-least-once allows.
            LogRecordFailed(ex, entry.TenantId);
        }
    }

    private void Done(Receiver receiver)
    {
        Interlocked.Decrement(ref receiver.InFlight);
        Interlocked.Decrement(ref _inFlight);
        if (_answered.CurrentCount == 0)
        {
            try
            {
                _answered.Release();
            }
            catch (SemaphoreFullException)
            {
                // Another answer woke the loop first; once is enough.
            }
        }
    }

    /// <summary>One receiver: its bound on requests in flight, and how many of its notices this silo holds.</summary>
    private sealed class Receiver(int concurrency)
    {
        public readonly SemaphoreSlim Gate = new(concurrency);
        public int InFlight;
    }

    [LoggerMessage(LogLevel.Warning, "Claiming back-channel logout notices failed; claimed ones come back when their lease runs out.")]
    private partial void LogClaimFailed(Exception ex);

    [LoggerMessage(LogLevel.Warning, "Tenant {TenantId}: signing logout tokens failed; the notices are retried.")]
    private partial void LogSigningFailed(Exception ex, string tenantId);

    [LoggerMessage(LogLevel.Warning, "Tenant {TenantId}: recording a back-channel logout attempt failed; the notice comes back when its lease runs out.")]
    private partial void LogRecordFailed(Exception ex, string tenantId);
}
