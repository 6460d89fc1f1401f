namespace SessionGrains.Grains.SessionTable;

/// <summary>
/// Shares equal strings (client ids, user agents, providers, a user's id and email across their
/// sessions) so a million sessions hold each distinct value once. Not thread-safe: one per shard.
/// </summary>
internal sealed class StringPool : ISessionStrings
{
    private readonly HashSet<string> _strings = new(StringComparer.Ordinal);

    public int Count => _strings.Count;

    [return: System.Diagnostics.CodeAnalysis.NotNullIfNotNull(nameof(value))]
    public string? Intern(string? value)
    {
        if (value is null)
        {
            return null;
        }

        if (_strings.TryGetValue(value, out var existing))
        {
            return existing;
        }

        _strings.Add(value);
        return value;
    }

    /// <inheritdoc/>
    /// <remarks>Looked up by the characters themselves: a string is made only for a value not held yet.</remarks>
    public string Share(ReadOnlySpan<char> value)
    {
        var lookup = _strings.GetAlternateLookup<ReadOnlySpan<char>>();
        if (lookup.TryGetValue(value, out var existing))
        {
            return existing;
        }

        var made = new string(value);
        _strings.Add(made);
        return made;
    }

    /// <summary>Drops every string no entry uses any more (after a purge).</summary>
    public void Retain(IEnumerable<string?> inUse)
    {
        var keep = new HashSet<string>(StringComparer.Ordinal);
        foreach (var value in inUse)
        {
            if (value is not null)
            {
                keep.Add(value);
            }
        }

        _strings.IntersectWith(keep);
    }
}
