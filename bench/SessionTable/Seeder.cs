using System.Buffers.Text;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using SessionGrains.Grains.Sessions;
using SessionGrains.Sessions;

namespace SessionGrains.Bench.SessionTable;

/// <summary>What was seeded, and samples of it for the queries.</summary>
public sealed record Seeded(
    DateTimeOffset SeededAt, int Sessions, int Users, IReadOnlyList<string> SampleUserIds, IReadOnlyList<string> SampleEmails,
    IReadOnlyList<string> SampleIps, IReadOnlyList<string> SampleSessionIds);

/// <summary>
/// Writes sessions straight into the Sessions table, as SessionGrainStorage would have: the summary
/// columns plus the SessionState serialized with Orleans' serializer, version 1. Only for the
/// benchmark: the rows are what a session grain writes, the index is built from them by the real
/// shards when they activate.
/// </summary>
public static class Seeder
{
    public const string TenantId = "bench";
    public static readonly string[] Microtenants = ["emea", "amer", "apac"];

    private static readonly (string Id, string Type, int Weight, int IdleSeconds, int LifetimeSeconds)[] Clients =
    [
        ("portal", "browser", 30, 1800, 36000),
        ("admin-console", "browser", 5, 900, 28800),
        ("mobile-ios", "native", 15, 2_592_000, 0),
        ("mobile-android", "native", 15, 2_592_000, 0),
        ("partner-api", "service", 5, 0, 604_800),
        ("billing", "browser", 8, 1800, 36000),
        ("support", "browser", 7, 1800, 36000),
        ("reports", "browser", 5, 3600, 43200),
        ("cli", "native", 5, 86_400, 2_592_000),
        ("sso-bridge", "service", 5, 0, 604_800),
    ];

    /// <summary>The ids of the clients sessions are seeded for.</summary>
    public static IReadOnlyList<string> ClientIds => [.. Clients.Select(c => c.Id)];

    private static readonly string[] Browsers = ["Chrome", "Firefox", "Safari", "Edge", "Opera", "Brave"];
    private static readonly string[] Systems = ["Windows 11", "macOS 15", "Ubuntu 24.04", "iOS 18", "Android 15", "ChromeOS"];
    private static readonly string[] FirstNames =
        ["ada", "alan", "grace", "linus", "margaret", "dennis", "barbara", "ken", "frances", "john", "radia", "tim", "anita", "edsger", "hedy", "donald"];
    private static readonly string[] LastNames =
        ["lovelace", "turing", "hopper", "torvalds", "hamilton", "ritchie", "liskov", "thompson", "allen", "mccarthy", "perlman", "berners-lee", "borg", "dijkstra", "lamarr", "knuth"];
    private static readonly string[] Domains = ["acme.test", "example.com", "contoso.com", "fabrikam.io", "initech.net", "globex.org", "umbrella.test", "hooli.dev"];
    private static readonly string[] Providers = ["okta", "azure-ad", "google", "local"];

    /// <summary>The user agents (a few dozen: browsers × systems) and the session names shown for them.</summary>
    private static readonly (string Agent, string Name, string Os)[] Agents =
        [.. from b in Browsers from s in Systems select ($"Mozilla/5.0 ({s}) {b}/{120 + (b.Length * 7 + s.Length) % 15}.0", $"{b} on {s}", s)];

    public static Seeded Seed(BenchDatabase database, int sessions, int shards, int seed)
    {
        var serializer = new ServiceCollection()
            .AddSerializer(b => b.AddAssembly(typeof(SessionState).Assembly).AddAssembly(typeof(SignIn).Assembly))
            .BuildServiceProvider()
            .GetRequiredService<Serializer<SessionState>>();

        var users = Math.Max(1, sessions / 4);
        var rng = new Random(seed);
        var now = DateTimeOffset.UtcNow;
        var nowMs = now.ToUnixTimeMilliseconds();

        // Within the 7-day retention, so no sweep purges seeded rows during the run.
        const long Spread = 6L * 24 * 3600 * 1000;
        var clientWeights = Clients.Sum(c => c.Weight);
        var sampleUsers = new List<string>();
        var sampleEmails = new List<string>();
        var sampleIps = new List<string>();
        var sampleSessions = new List<string>();

        const string Columns =
            "TenantId, SessionId, Shard, Version, UserId, UserEmail, SessionName, Kind, ApiKeyName, ClientId, ClientType, " +
            "IdentityProvider, IpAddress, UserAgent, MicrotenantId, Status, CreatedAt, LastActivity, ExpiresAt, " +
            "IdleTimeoutSeconds, EndedAt, EndReason, State";
        var names = Columns.Split(", ");
        var at = names.Select((n, i) => (n, i)).ToDictionary(x => x.n, x => x.i);
        var values = new object?[names.Length];
        using var sink = database.OpenSink(names);
        Span<byte> idBytes = stackalloc byte[16];
        for (var i = 0; i < sessions; i++)
        {
            // A skewed pick: most users have a few sessions, some many.
            var user = (int)(users * Math.Pow(rng.NextDouble(), 1.5));
            var userId = $"user-{user:D6}";
            var first = FirstNames[user % FirstNames.Length];
            var last = LastNames[user / FirstNames.Length % LastNames.Length];
            var email = user % 50 == 0 ? null : $"{first}.{last}{user}@{Domains[user % Domains.Length]}";
            string? microtenant = (user % 20) switch
            {
                < 11 => null,
                < 15 => Microtenants[0],
                < 18 => Microtenants[1],
                _ => Microtenants[2],
            };

            var client = PickClient(rng.Next(clientWeights));
            var kindRoll = rng.Next(100);
            var kind = client.Type == "service" || kindRoll < 3 ? SessionKind.ApiKey : kindRoll < 8 ? SessionKind.Admin : SessionKind.User;
            var apiKeyName = kind == SessionKind.ApiKey ? $"ci-deploy-{user % 40}" : null;
            var agent = Agents[(user * 7 + rng.Next(3)) % Agents.Length];
            var ip = rng.Next(100) < 60 ? HomeIp(user) : RandomIp(rng);

            var createdAt = nowMs - rng.NextInt64(Spread);
            var age = nowMs - createdAt;
            var lastActivity = createdAt + (long)(age * Math.Pow(rng.NextDouble(), 0.3));
            long? expiresAt = client.LifetimeSeconds > 0 ? createdAt + client.LifetimeSeconds * 1000L : null;
            var status = SessionStatus.Active;
            long? endedAt = null;
            EndReason? reason = null;
            var endRoll = rng.Next(100);
            if (endRoll < 12)
            {
                endedAt = Math.Min(nowMs, createdAt + rng.NextInt64(Math.Max(1, Math.Min(age, 36_000_000))));
                lastActivity = Math.Min(lastActivity, endedAt.Value);
                (status, reason) = endRoll switch
                {
                    < 5 => (SessionStatus.Terminated, EndReason.UserLogout),
                    < 7 => (SessionStatus.Terminated, EndReason.AdminTerminated),
                    < 8 => (SessionStatus.Terminated, EndReason.Evicted),
                    < 9 => (SessionStatus.Terminated, EndReason.UserLogoutAll),
                    _ => (SessionStatus.Expired, EndReason.IdleTimeout),
                };
            }

            RandomNumberFill(rng, idBytes);
            var sessionId = Base64Url.EncodeToString(idBytes);
            var shard = GrainKeys.ShardOf(userId, shards);
            var signIn = new SignIn(
                userId, email, kind == SessionKind.ApiKey ? null : agent.Name, kind, apiKeyName, client.Id, client.Type,
                Providers[user % Providers.Length], ip, kind == SessionKind.ApiKey ? "bench-client/1.0" : agent.Agent, microtenant,
                i % 2 == 0 ? new DeviceInfo($"d-{user}-{i % 3}", $"host-{user}", agent.Os) : null,
                "{\"groups\":\"eng\"}");
            var state = new SessionState
            {
                Opened = true,
                SignIn = signIn,
                CreatedAt = DateTimeOffset.FromUnixTimeMilliseconds(createdAt),
                LastActivity = DateTimeOffset.FromUnixTimeMilliseconds(lastActivity),
                ExpiresAt = expiresAt is { } e ? DateTimeOffset.FromUnixTimeMilliseconds(e) : null,
                IdleTimeoutSeconds = client.IdleSeconds,
                RefreshReuseGraceSeconds = 0,
                TokenHash = RandomBytes(rng, 32),
                RefreshTokenHash = RandomBytes(rng, 32),
                Status = status,
                EndedAt = endedAt is { } end ? DateTimeOffset.FromUnixTimeMilliseconds(end) : null,
                EndReason = reason,
                Shard = shard,
            };

            values[at["TenantId"]] = TenantId;
            values[at["SessionId"]] = sessionId;
            values[at["Shard"]] = shard;
            values[at["Version"]] = 1L;
            values[at["UserId"]] = userId;
            values[at["UserEmail"]] = (object?)email ?? DBNull.Value;
            values[at["SessionName"]] = (object?)signIn.SessionName ?? DBNull.Value;
            values[at["Kind"]] = (int)kind;
            values[at["ApiKeyName"]] = (object?)apiKeyName ?? DBNull.Value;
            values[at["ClientId"]] = client.Id;
            values[at["ClientType"]] = client.Type;
            values[at["IdentityProvider"]] = signIn.IdentityProvider;
            values[at["IpAddress"]] = ip;
            values[at["UserAgent"]] = (object?)signIn.UserAgent ?? DBNull.Value;
            values[at["MicrotenantId"]] = (object?)microtenant ?? DBNull.Value;
            values[at["Status"]] = (int)status;
            values[at["CreatedAt"]] = createdAt;
            values[at["LastActivity"]] = lastActivity;
            values[at["ExpiresAt"]] = (object?)expiresAt ?? DBNull.Value;
            values[at["IdleTimeoutSeconds"]] = client.IdleSeconds;
            values[at["EndedAt"]] = (object?)endedAt ?? DBNull.Value;
            values[at["EndReason"]] = reason is { } r ? (int)r : DBNull.Value;
            values[at["State"]] = serializer.SerializeToArray(state);
            sink.Write(values);

            if (i % 2003 == 0)
            {
                sampleUsers.Add(userId);
                sampleIps.Add(ip);
                sampleSessions.Add(sessionId);
                if (email is not null)
                {
                    sampleEmails.Add(email);
                }
            }

            if ((i + 1) % 100_000 == 0)
            {
                Console.Write($"\r  {i + 1:N0} rows");
            }
        }

        sink.Complete();
        Console.WriteLine();
        return new Seeded(now, sessions, users, sampleUsers, sampleEmails, sampleIps, sampleSessions);
    }

    private static (string Id, string Type, int Weight, int IdleSeconds, int LifetimeSeconds) PickClient(int roll)
    {
        foreach (var c in Clients)
        {
            if (roll < c.Weight)
            {
                return c;
            }

            roll -= c.Weight;
        }

        return Clients[^1];
    }

    /// <summary>A user's usual address: IPv4 for most, IPv6 for every third.</summary>
    private static string HomeIp(int user) => user % 3 == 0
        ? $"2001:db8:{user >> 12 & 0xfff:x}:{user & 0xfff:x}::{user % 7 + 1:x}"
        : $"{10 + user % 3 * 90}.{user >> 16 & 255}.{user >> 8 & 255}.{user & 255}";

    private static string RandomIp(Random rng) => rng.Next(100) < 70
        ? $"{rng.Next(1, 224)}.{rng.Next(256)}.{rng.Next(256)}.{rng.Next(1, 255)}"
        : $"2a02:{rng.Next(0x10000):x}:{rng.Next(0x10000):x}:{rng.Next(0x10000):x}::{rng.Next(1, 0x10000):x}";

    private static byte[] RandomBytes(Random rng, int count)
    {
        var bytes = new byte[count];
        rng.NextBytes(bytes);
        return bytes;
    }

    private static void RandomNumberFill(Random rng, Span<byte> bytes) => rng.NextBytes(bytes);

}
