using System.Collections.Concurrent;

namespace SessionGrains.Bench.Load;

/// <summary>The outcome of one batch of requests (sign-ins, refreshes, terminations): successes, their latencies, failures.</summary>
public sealed class SignInRun(int capacity, bool keepTokens)
{
    private readonly double[] _latenciesMs = new double[capacity];
    private readonly string?[] _tokens = new string?[keepTokens ? capacity : 0];
    private readonly string?[] _refreshTokens = new string?[keepTokens ? capacity : 0];
    private readonly string?[] _sessionIds = new string?[keepTokens ? capacity : 0];
    private readonly ConcurrentQueue<string> _failureSamples = new();
    private int _succeeded;
    private int _failures;
    private double[]? _sorted;

    /// <summary>Requests answered with success.</summary>
    public int Succeeded => _succeeded;

    /// <summary>Requests answered otherwise, or not at all.</summary>
    public int Failures => _failures;

    /// <summary>Wall time of the batch.</summary>
    public TimeSpan Elapsed { get; private set; }

    /// <summary>CPU this client process spent during the batch: the share of the 2 cores the server did not get.</summary>
    public TimeSpan ClientCpu { get; private set; }

    /// <summary>Successful requests per second of wall time.</summary>
    public double PerSecond => Elapsed > TimeSpan.Zero ? _succeeded / Elapsed.TotalSeconds : 0;

    /// <summary>The access tokens issued, when asked to keep them.</summary>
    public IReadOnlyList<string> Tokens => _tokens.OfType<string>().ToList();

    /// <summary>The refresh tokens issued, when asked to keep them, in the order of <see cref="Tokens"/>.</summary>
    public IReadOnlyList<string> RefreshTokens => _refreshTokens.OfType<string>().ToList();

    /// <summary>The session ids issued, when asked to keep them, in the order of <see cref="Tokens"/>.</summary>
    public IReadOnlyList<string> SessionIds => _sessionIds.OfType<string>().ToList();

    /// <summary>Up to a few failure descriptions, to show why.</summary>
    public IEnumerable<string> FailureSamples => _failureSamples;

    /// <summary>Records request number <paramref name="n"/>.</summary>
    public void Succeed(int n, TimeSpan latency, string? token = null, string? refreshToken = null, string? sessionId = null)
    {
        _latenciesMs[n] = latency.TotalMilliseconds;
        if (keepTokens)
        {
            _tokens[n] = token;
            _refreshTokens[n] = refreshToken;
            _sessionIds[n] = sessionId;
        }

        Interlocked.Increment(ref _succeeded);
    }

    /// <summary>Records a failure, keeping the first few reasons.</summary>
    public void Fail(string reason)
    {
        if (Interlocked.Increment(ref _failures) <= 5)
        {
            _failureSamples.Enqueue(reason);
        }
    }

    /// <summary>Closes the batch.</summary>
    public void Finish(TimeSpan elapsed, TimeSpan clientCpu)
    {
        Elapsed = elapsed;
        ClientCpu = clientCpu;
    }

    /// <summary>The latency below which fraction <paramref name="p"/> of successful sign-ins fell, in ms.</summary>
    public double Percentile(double p)
    {
        _sorted ??= _latenciesMs.Where(l => l > 0).Order().ToArray();
        return _sorted.Length == 0 ? 0 : _sorted[Math.Min(_sorted.Length - 1, (int)Math.Ceiling(p * _sorted.Length) - 1)];
    }
}
