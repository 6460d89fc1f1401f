using SessionGrains.SessionTable;
using SessionGrains.Sessions;

namespace SessionGrains.Grains.SessionTable;

internal sealed partial class ShardIndex
{
    /// <summary>
    /// What a scan reads of a row (filters, status, sort keys, stats), copied into one contiguous
    /// array: about 120 bytes a session on top of the row, plus its search text. Times are UTC
    /// ticks, <see cref="UtcTicks.None"/> for none.
    /// </summary>
    private struct Hot(SessionRow row, int userNumber, TextSpan text)
    {
        public readonly string SessionId = row.SessionId;
        public readonly string UserId = row.UserId;
        public readonly string? UserEmail = row.UserEmail;
        public readonly string ClientId = row.ClientId;
        public readonly string? MicrotenantId = row.MicrotenantId;
        public TextSpan Text = text;
        public readonly UInt128 IpKey = OrderKey.IpKeyOf(row.IpAddress);
        public readonly long EmailPrefix = OrderKey.EmailPrefixOf(row.UserEmail);
        public readonly long CreatedAt = row.CreatedAt.UtcTicks;

        /// <summary>The tenant version the session was signed in under (0: not recorded).</summary>
        public readonly long TenantVersion = row.TenantVersion;
        public readonly long LastActivity = row.LastActivity.UtcTicks;
        public readonly long ExpiresAt = UtcTicks.Of(row.ExpiresAt);

        /// <summary>The stored end, or <see cref="UtcTicks.None"/> while stored as active.</summary>
        public readonly long EndedAt = UtcTicks.Of(row.EndedAt);

        public readonly EndReason? EndReason = row.EndReason;
        public readonly int IdleTimeoutSeconds = row.IdleTimeoutSeconds;
        public int UserNumber = userNumber;
        public readonly SessionKind Kind = row.Kind;
        public readonly SessionStatus Status = row.Status;
    }
}
