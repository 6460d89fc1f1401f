namespace SessionGrains.Grains;

/// <summary>Names of the grain storage providers the grains declare their state in.</summary>
public static class StorageNames
{
    /// <summary>The one durable store (SQLite or PostgreSQL through Orleans' ADO.NET provider).</summary>
    public const string Default = "store";

    /// <summary>
    /// The session table: session grains' state, one row per session with the listed columns
    /// beside the full state, which the session table's shards load (see <c>ISessionRowStore</c>).
    /// </summary>
    public const string SessionTable = "sessionTable";
}
