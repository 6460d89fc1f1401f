using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;

namespace SessionGrains.Silo.Api.RateLimits;

/// <summary>
/// The partition of a client address: an IPv4 address as itself, an IPv6 address by its /64
/// prefix (what one subscriber is given, so cycling through it buys nothing).
/// </summary>
internal static class ClientAddress
{
    private static readonly UInt128 Prefix64 = UInt128.MaxValue << 64;

    /// <summary>The partition of the request's remote address; one shared partition when it has none.</summary>
    public static UInt128 KeyOf(HttpContext context) => KeyOf(context.Connection.RemoteIpAddress);

    /// <summary>The partition of <paramref name="address"/>, IPv4 in its IPv6-mapped form.</summary>
    public static UInt128 KeyOf(IPAddress? address)
    {
        Span<byte> bytes = stackalloc byte[16];
        if (address is null || !address.TryWriteBytes(bytes, out var written))
        {
            return UInt128.Zero;
        }

        if (address.AddressFamily == AddressFamily.InterNetwork && written == 4)
        {
            return ((UInt128)0xFFFF << 32) | BinaryPrimitives.ReadUInt32BigEndian(bytes);
        }

        var value = BinaryPrimitives.ReadUInt128BigEndian(bytes);
        return address.IsIPv4MappedToIPv6 ? value : value & Prefix64;
    }
}
