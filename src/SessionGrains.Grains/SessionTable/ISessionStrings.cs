namespace SessionGrains.Grains.SessionTable;

/// <summary>
/// The strings of one shard's rows, shared: a store that reads a shard for it asks here for each
/// repeated value (user id, email, client, user agent, address...) it decodes, so a million rows
/// hold each distinct value once and a value already held costs no allocation to read again.
/// </summary>
public interface ISessionStrings
{
    /// <summary>The held string equal to <paramref name="value"/>, added first when none is.</summary>
    string Share(ReadOnlySpan<char> value);
}
