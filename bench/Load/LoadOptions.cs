namespace SessionGrains.Bench.Load;

/// <summary>
/// What the load tool was asked to do; every bound has a default so a run always ends.
/// <c>--url</c> takes one silo or a comma-separated list, which requests go to in turn.
/// </summary>
public sealed record LoadOptions(
    IReadOnlyList<Uri> Urls,
    string OperatorKey,
    string LuaFile,
    string Tenant,
    int Sessions,
    int Creates,
    int Concurrency,
    int Refreshes,
    TimeSpan MaxDuration,
    int Terminates = 0,
    int BulkSize = 100)
{
    /// <summary>Reads <c>--name value</c> pairs; throws on anything unknown or missing.</summary>
    public static LoadOptions Parse(string[] args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Length)
            {
                throw new ArgumentException($"Expected '--name value' pairs, got '{args[i]}'.");
            }

            values[args[i][2..]] = args[i + 1];
        }

        string Required(string name) =>
            values.Remove(name, out var value) ? value : throw new ArgumentException($"--{name} is required.");
        string Or(string name, string fallback) => values.Remove(name, out var value) ? value : fallback;

        var options = new LoadOptions(
            [.. Required("url").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(u => new Uri(u))],
            Required("operator-key"),
            Required("lua"),
            Or("tenant", "bench"),
            int.Parse(Or("sessions", "1000")),
            int.Parse(Or("creates", "20000")),
            int.Parse(Or("concurrency", "64")),
            int.Parse(Or("refreshes", "0")),
            TimeSpan.FromSeconds(int.Parse(Or("max-seconds", "60"))),
            int.Parse(Or("terminates", "0")),
            int.Parse(Or("bulk-size", "100")));
        if (values.Count > 0)
        {
            throw new ArgumentException($"Unknown options: {string.Join(", ", values.Keys.Select(k => "--" + k))}.");
        }

        return options;
    }
}
