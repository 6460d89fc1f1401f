using System.Reflection;
using SessionGrains.Grains.Caching;
using SessionGrains.Silo.Hosting;

namespace SessionGrains.Tests.Infrastructure;

/// <summary>
/// The environment variables the silo reads, derived from its code rather than listed: every
/// settable property of an options class bound to a configuration section (the classes with a
/// public <c>Section</c> or <c>AliasSection</c> constant in the host's and the grains' assemblies,
/// nested classes followed), the profile key, and a few variables the platform reads.
/// A name not in this set is a variable nobody reads: a misspelling.
/// </summary>
public static class SiloVariables
{
    /// <summary>What ASP.NET Core and the hosting model read, and the downward-API variables.</summary>
    public static readonly IReadOnlyList<string> Platform =
    [
        "ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT",
        SiloApp.PodIpVariable, SiloApp.PodNameVariable,
    ];

    /// <summary>Logging's section: its keys are categories, so any name under it is read.</summary>
    public const string LoggingPrefix = "Logging__";

    /// <summary>The options classes found, by section (configuration form, with ':').</summary>
    public static IReadOnlyDictionary<string, Type> Sections { get; } = FindSections();

    /// <summary>Every option variable, in environment form (<c>SessionGrains__Cluster__SiloPort</c>).</summary>
    public static IReadOnlySet<string> Options { get; } = DeriveOptions();

    /// <summary>Whether the silo reads <paramref name="name"/>. Configuration keys ignore case, so this does too.</summary>
    public static bool IsRead(string name) =>
        Options.Contains(name)
        || Platform.Contains(name, StringComparer.OrdinalIgnoreCase)
        || (name.StartsWith(LoggingPrefix, StringComparison.OrdinalIgnoreCase) && name.Length > LoggingPrefix.Length);

    /// <summary>The names in <paramref name="names"/> the silo does not read.</summary>
    public static IReadOnlyList<string> Unread(IEnumerable<string> names) => names.Where(n => !IsRead(n)).ToList();

    private static Dictionary<string, Type> FindSections()
    {
        var sections = new Dictionary<string, Type>(StringComparer.OrdinalIgnoreCase);
        foreach (var type in new[] { typeof(SessionGrainsOptions).Assembly, typeof(TenantCacheOptions).Assembly }.SelectMany(a => a.GetExportedTypes()))
        {
            foreach (var field in type.GetFields(BindingFlags.Public | BindingFlags.Static))
            {
                if (field is { IsLiteral: true, Name: "Section" or "AliasSection" } && field.GetRawConstantValue() is string section)
                {
                    sections[section] = type;
                }
            }
        }

        return sections;
    }

    private static HashSet<string> DeriveOptions()
    {
        var names = new HashSet<string>(StringComparer.OrdinalIgnoreCase) { Environment(SiloApp.ProfileKey) };
        foreach (var (section, type) in Sections)
        {
            AddProperties(names, Environment(section), type, depth: 0);
        }

        return names;
    }

    private static void AddProperties(HashSet<string> names, string prefix, Type type, int depth)
    {
        // Options nest a level or two; a cycle would be a bug in this walk, not in the options.
        if (depth > 8)
        {
            throw new InvalidOperationException($"Options nested too deep at {prefix}.");
        }

        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            // The binder sets only what has a public setter: Retention, Lease and the like are computed.
            if (property.SetMethod is not { IsPublic: true })
            {
                continue;
            }

            var name = $"{prefix}__{property.Name}";
            var valueType = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            if (IsLeaf(valueType))
            {
                names.Add(name);
            }
            else if (valueType.IsClass)
            {
                AddProperties(names, name, valueType, depth + 1);
            }
        }
    }

    private static bool IsLeaf(Type type) =>
        type.IsPrimitive || type.IsEnum || type == typeof(string) || type == typeof(decimal)
        || type == typeof(TimeSpan) || type == typeof(DateTimeOffset) || type == typeof(Guid) || type == typeof(Uri);

    private static string Environment(string configurationKey) => configurationKey.Replace(":", "__");
}
