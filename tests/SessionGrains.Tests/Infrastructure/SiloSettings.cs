using Microsoft.Extensions.Time.Testing;

namespace SessionGrains.Tests.Infrastructure;

/// <summary>
/// Everything one test silo is started from: its database (a SQLite file or a PostgreSQL
/// database), ports, operator key, environment and cluster. The same settings start it in this
/// process (<see cref="TestSilo"/>) or as a child process (<see cref="SiloProcess"/>), through the
/// one command line <see cref="Args"/> builds. <see cref="Time"/>, the session clock, reaches only
/// a silo in this process. <see cref="Configuration"/> adds settings of the test's own, as
/// <c>Section:Key=value</c>, last, so they win. Every silo seals signing keys under
/// <see cref="TestSigningKeysEncryptionKey"/>, as production would under its configured key, not
/// under the random per-process key of an unconfigured one. Rate limits are off unless <see cref="RateLimited"/>:
/// tests of other features send more requests from one address and key than a client should.
/// </summary>
public sealed record SiloSettings(
    TestDatabase Database,
    SiloPorts Ports,
    string? OperatorKey,
    string ClusterId,
    string Environment = "Production",
    bool ResetOperatorKey = false,
    FakeTimeProvider? Time = null,
    IReadOnlyList<string>? Configuration = null,
    bool RateLimited = false)
{
    public const string TestOperatorKey = "sgo.test-operator-key-" + "0123456789abcdef";

    /// <summary>The signing keys' encryption key of every test silo: base64 of 32 bytes.</summary>
    public static readonly string TestSigningKeysEncryptionKey = Convert.ToBase64String([.. Enumerable.Range(1, 32).Select(i => (byte)(i * 7))]);

    /// <summary>A silo of a cluster of its own on <paramref name="database"/>, on free ports.</summary>
    public static SiloSettings Fresh(TestDatabase database, string? operatorKey = TestOperatorKey) =>
        new(database, SiloPorts.Free(), operatorKey, $"test-{Guid.NewGuid():N}");

    public Uri BaseAddress => new($"http://127.0.0.1:{Ports.Http}");

    public string[] Args()
    {
        var args = new List<string>
        {
            "--urls", BaseAddress.ToString().TrimEnd('/'),
            "--environment", Environment,
            $"--SessionGrains:Storage:Provider={Database.ProviderName}",
            $"--SessionGrains:Storage:ConnectionString={Database.ConnectionString}",
            $"--SessionGrains:Cluster:SiloPort={Ports.Silo}",
            $"--SessionGrains:Cluster:GatewayPort={Ports.Gateway}",
            $"--SessionGrains:Cluster:ClusterId={ClusterId}",
            // Silos of a test cluster reach each other on loopback only.
            "--SessionGrains:Cluster:AdvertisedIP=127.0.0.1",
            $"--SessionGrains:SigningKeys:EncryptionKey={TestSigningKeysEncryptionKey}",
            "--Logging:LogLevel:Default=Warning",
            "--Logging:LogLevel:Orleans=Error",
        };
        if (OperatorKey is not null)
        {
            args.Add($"--SessionGrains:Auth:OperatorKey={OperatorKey}");
        }

        if (ResetOperatorKey)
        {
            args.Add("--SessionGrains:Auth:ResetOperatorKey=true");
        }

        if (!RateLimited)
        {
            args.AddRange(new[] { "Admin", "Lifecycle", "Unauthenticated" }.Select(policy => $"--SessionGrains:RateLimits:{policy}:PermitLimit=0"));
        }

        args.AddRange((Configuration ?? []).Select(setting => $"--{setting}"));
        return [.. args];
    }
}
