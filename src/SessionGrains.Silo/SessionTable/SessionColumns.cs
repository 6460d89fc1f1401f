using System.Data;
using System.Data.Common;
using SessionGrains.Grains.SessionTable;
using SessionGrains.SessionTable;
using SessionGrains.Sessions;

namespace SessionGrains.Silo.SessionTable;

/// <summary>
/// The columns of the <c>Sessions</c> table, defined once. The store's SQL, its parameters and
/// its reader all come from this list, whose row columns stand in the order of
/// <see cref="SessionRow"/>'s constructor (a test holds it to that, and to the schema scripts):
/// adding a column means a line here, the field of <see cref="SessionRow"/>, the place that fills
/// it (<c>SessionState.ToRow</c>) and the schema scripts. Times are stored as Unix milliseconds,
/// enums as their numbers (append-only).
/// </summary>
internal static class SessionColumns
{
    /// <summary>
    /// One column: its name, its value in a record, whether it changes after sign-in, and its
    /// parameter type. The type is given, not inferred from the value, so that a null binds as the
    /// same type as a value: a prepared statement is reused only for the same parameter types.
    /// </summary>
    public sealed record Column(string Name, Func<SessionRecord, object?> Value, bool Changes, DbType Type = DbType.String);

    /// <summary>The columns of <see cref="SessionRow"/>, in the order of its constructor.</summary>
    public static readonly Column[] Row =
    [
        new("SessionId", r => r.Row.SessionId, false),
        new("UserId", r => r.Row.UserId, false),
        new("UserEmail", r => r.Row.UserEmail, true),
        new("SessionName", r => r.Row.SessionName, true),
        new("Kind", r => (int)r.Row.Kind, false, DbType.Int32),
        new("ApiKeyName", r => r.Row.ApiKeyName, false),
        new("ClientId", r => r.Row.ClientId, false),
        new("ClientType", r => r.Row.ClientType, false),
        new("IdentityProvider", r => r.Row.IdentityProvider, false),
        new("IpAddress", r => r.Row.IpAddress, false),
        new("UserAgent", r => r.Row.UserAgent, false),
        new("MicrotenantId", r => r.Row.MicrotenantId, false),
        new("Status", r => (int)r.Row.Status, true, DbType.Int32),
        new("CreatedAt", r => Milliseconds(r.Row.CreatedAt), false, DbType.Int64),
        new("LastActivity", r => Milliseconds(r.Row.LastActivity), true, DbType.Int64),
        new("ExpiresAt", r => Milliseconds(r.Row.ExpiresAt), false, DbType.Int64),
        new("IdleTimeoutSeconds", r => r.Row.IdleTimeoutSeconds, false, DbType.Int32),
        new("EndedAt", r => Milliseconds(r.Row.EndedAt), true, DbType.Int64),
        new("EndReason", r => (int?)r.Row.EndReason, true, DbType.Int32),
        new("Version", r => r.Row.Version, true, DbType.Int64),
        new("TenantVersion", r => r.Row.TenantVersion, false, DbType.Int64),
    ];

    /// <summary>Every column of the table: the key and the shard, the row, and the grain's full state.</summary>
    public static readonly Column[] All =
    [
        new("TenantId", r => r.TenantId, false),
        new("Shard", r => r.Shard, false, DbType.Int32),
        .. Row,
        new("State", r => r.State, true, DbType.Binary),
    ];

    /// <summary>
    /// The column that orders writes for the shards' catch-up: the store sets it on every write by
    /// SQL of its database (never from a record), so it is not in <see cref="All"/>'s parameters.
    /// </summary>
    public const string Changed = "Changed";

    /// <summary>
    /// Reads a row selected with <see cref="Row"/>'s columns, in their order; the strings but the
    /// session id through <paramref name="strings"/> when given.
    /// </summary>
    public static SessionRow Read(DbDataReader r, ISessionStrings? strings = null)
    {
        string Shared(int i) => strings is null ? r.GetString(i) : strings.Share(r.GetString(i));
        string? Text(int i) => r.IsDBNull(i) ? null : Shared(i);
        DateTimeOffset Time(int i) => DateTimeOffset.FromUnixTimeMilliseconds(r.GetInt64(i));
        DateTimeOffset? TimeOrNull(int i) => r.IsDBNull(i) ? null : Time(i);
        return new SessionRow(
            r.GetString(0), Shared(1), Text(2), Text(3), (SessionKind)r.GetInt32(4), Text(5), Shared(6), Text(7),
            Text(8), Shared(9), Text(10), Text(11), (SessionStatus)r.GetInt32(12), Time(13), Time(14), TimeOrNull(15),
            r.GetInt32(16), TimeOrNull(17), r.IsDBNull(18) ? null : (EndReason)r.GetInt32(18), r.GetInt64(19),
            r.GetInt64(20));
    }

    /// <summary>A comma-separated list of column names.</summary>
    public static string Names(IEnumerable<Column> columns) => string.Join(", ", columns.Select(c => c.Name));

    private static long Milliseconds(DateTimeOffset time) => time.ToUnixTimeMilliseconds();

    private static long? Milliseconds(DateTimeOffset? time) => time?.ToUnixTimeMilliseconds();
}
