using System.Globalization;
using System.Security.Cryptography;

namespace SessionGrains.Silo.Audit;

/// <summary>
/// Audit record ids: 32 lower-case hex digits, the record's time in milliseconds, then a number
/// that grows with every record of this process, then this process's own random part. So ids
/// sort as their records were written (within a millisecond too, on one silo), and two silos
/// never make the same id.
/// </summary>
public static class AuditIds
{
    private static readonly string Process = RandomNumberGenerator.GetHexString(12, lowercase: true);
    private static long _sequence;

    /// <summary>A new id for a record written at <paramref name="at"/>.</summary>
    public static string Next(DateTimeOffset at)
    {
        var sequence = (uint)Interlocked.Increment(ref _sequence);
        return string.Create(CultureInfo.InvariantCulture, $"{at.ToUnixTimeMilliseconds():x12}{sequence:x8}{Process}");
    }
}
