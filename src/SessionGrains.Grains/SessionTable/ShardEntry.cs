using System.Net;
using System.Net.Sockets;
using SessionGrains.SessionTable;
using SessionGrains.Sessions;

namespace SessionGrains.Grains.SessionTable;

/// <summary>
/// One session in a shard's memory: the listed fields, with repeated strings interned, times as
/// milliseconds and a numeric sort key for the IP address. The lower-cased text that searches
/// match against (<see cref="SearchTextOf"/>) lives in the shard's text buffer, not here.
/// About 180 bytes plus the strings it does not share.
/// </summary>
internal sealed class ShardEntry
{
    public const long NoTime = long.MinValue;

    public required string SessionId { get; init; }
    public required string UserId { get; init; }
    public string? UserEmail { get; init; }
    public string? SessionName { get; init; }
    public string? ApiKeyName { get; init; }
    public required string ClientId { get; init; }
    public string? ClientType { get; init; }
    public string? IdentityProvider { get; init; }
    public required string IpAddress { get; init; }
    public string? UserAgent { get; init; }
    public string? MicrotenantId { get; init; }
    public UInt128 IpKey { get; init; }
    public long CreatedAt { get; init; }
    public long LastActivity { get; init; }

    /// <summary>Absolute expiry, or <see cref="NoTime"/>.</summary>
    public long ExpiresAt { get; init; }

    /// <summary>Stored end time, or <see cref="NoTime"/> while stored as active.</summary>
    public long EndedAt { get; init; }

    public long Version { get; init; }
    public int IdleTimeoutSeconds { get; init; }
    public SessionKind Kind { get; init; }
    public SessionStatus Status { get; init; }
    public EndReason? EndReason { get; init; }

    /// <summary>Builds an entry, sharing strings through <paramref name="strings"/>.</summary>
    public static ShardEntry From(SessionRow s, StringPool strings)
    {
        var email = strings.Intern(s.UserEmail);
        var userId = strings.Intern(s.UserId);
        var sessionName = strings.Intern(s.SessionName);
        var apiKeyName = strings.Intern(s.ApiKeyName);
        return new ShardEntry
        {
            SessionId = s.SessionId,
            UserId = userId,
            UserEmail = email,
            SessionName = sessionName,
            ApiKeyName = apiKeyName,
            ClientId = strings.Intern(s.ClientId),
            ClientType = strings.Intern(s.ClientType),
            IdentityProvider = strings.Intern(s.IdentityProvider),
            IpAddress = strings.Intern(s.IpAddress),
            UserAgent = strings.Intern(s.UserAgent),
            MicrotenantId = strings.Intern(s.MicrotenantId),
            IpKey = IpKeyOf(s.IpAddress),
            CreatedAt = s.CreatedAt.ToUnixTimeMilliseconds(),
            LastActivity = s.LastActivity.ToUnixTimeMilliseconds(),
            ExpiresAt = s.ExpiresAt?.ToUnixTimeMilliseconds() ?? NoTime,
            EndedAt = s.EndedAt?.ToUnixTimeMilliseconds() ?? NoTime,
            Version = s.Version,
            IdleTimeoutSeconds = s.IdleTimeoutSeconds,
            Kind = s.Kind,
            Status = s.Status,
            EndReason = s.EndReason,
        };
    }

    /// <summary>
    /// The fields a search looks in, lower-cased and joined by a separator no search contains
    /// (searches with control characters are refused), so one vectorised IndexOf covers them all.
    /// </summary>
    public static string SearchTextOf(string? email, string userId, string ip, string? sessionName, string? apiKeyName) =>
        string.Join('\n', email ?? "", userId, ip, sessionName ?? "", apiKeyName ?? "").ToLowerInvariant();

    /// <summary>IPv4 (as IPv4-mapped IPv6) and IPv6 addresses as one 128-bit number.</summary>
    public static UInt128 IpKeyOf(string ip)
    {
        if (!System.Net.IPAddress.TryParse(ip, out var address))
        {
            return UInt128.MaxValue;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork)
        {
            address = address.MapToIPv6();
        }

        Span<byte> bytes = stackalloc byte[16];
        address.TryWriteBytes(bytes, out _);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt128BigEndian(bytes);
    }

    public static DateTimeOffset ToTime(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    public static DateTimeOffset? ToTimeOrNull(long ms) => ms == NoTime ? null : DateTimeOffset.FromUnixTimeMilliseconds(ms);
}
