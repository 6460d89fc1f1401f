using System.Text.Json.Nodes;

namespace SessionGrains.Tests.Infrastructure;

/// <summary>
/// One kustomization.yaml and what it lists, as paths from the repository: resource files,
/// other kustomizations it builds on, patch files, and the files and env files of its
/// ConfigMap and Secret generators.
/// </summary>
public sealed record Kustomization(
    string Folder,
    IReadOnlyList<string> ResourceFiles,
    IReadOnlyList<string> Bases,
    IReadOnlyList<string> PatchFiles,
    IReadOnlyList<Generator> Generators)
{
    public const string FileName = "kustomization.yaml";

    /// <summary>Reads the kustomization in <paramref name="folder"/>.</summary>
    public static Kustomization Load(string folder)
    {
        var root = Yaml.File(Path.Combine(folder, FileName)).Single();
        var resources = Strings(root["resources"]).Select(r => Path.GetFullPath(Path.Combine(folder, r))).ToList();
        var patches = (root["patches"] as JsonArray ?? [])
            .Select(p => p?["path"]?.GetValue<string>())
            .OfType<string>()
            .Select(p => Path.GetFullPath(Path.Combine(folder, p)))
            .ToList();
        var generators = Generated(folder, root, "configMapGenerator", "ConfigMap")
            .Concat(Generated(folder, root, "secretGenerator", "Secret"))
            .ToList();
        return new Kustomization(
            Path.GetFullPath(folder),
            resources.Where(r => !Directory.Exists(r)).ToList(),
            resources.Where(Directory.Exists).ToList(),
            patches,
            generators);
    }

    /// <summary>Every file this kustomization names itself (not those of its bases), its own file included.</summary>
    public IEnumerable<string> ListedFiles =>
        new[] { Path.Combine(Folder, FileName) }
            .Concat(ResourceFiles)
            .Concat(PatchFiles)
            .Concat(Generators.SelectMany(g => g.Files.Values.Concat(g.EnvFiles)));

    /// <summary>The resources of the resource files (not generated, not of bases).</summary>
    public IEnumerable<JsonObject> Resources => ResourceFiles.SelectMany(Yaml.File);

    /// <summary>This kustomization and every one it builds on, nearest first.</summary>
    public IEnumerable<Kustomization> WithBases() =>
        new[] { this }.Concat(Bases.SelectMany(b => Load(b).WithBases()));

    private static IEnumerable<string> Strings(JsonNode? node) =>
        (node as JsonArray ?? []).Select(n => n!.GetValue<string>());

    private static IEnumerable<Generator> Generated(string folder, JsonObject root, string field, string kind) =>
        (root[field] as JsonArray ?? []).Select(g => new Generator(
            kind,
            g!["name"]!.GetValue<string>(),
            g["behavior"]?.GetValue<string>() ?? "create",
            // "key=path" or "path", whose key is the file's name.
            Strings(g["files"]).ToDictionary(
                f => f.Contains('=') ? f[..f.IndexOf('=')] : Path.GetFileName(f),
                f => Path.GetFullPath(Path.Combine(folder, f.Contains('=') ? f[(f.IndexOf('=') + 1)..] : f))),
            Strings(g["envs"]).Select(e => Path.GetFullPath(Path.Combine(folder, e))).ToList(),
            g["options"]?["labels"] as JsonObject));
}

/// <summary>A ConfigMap or Secret a kustomization generates, from files (by key) and env files.</summary>
public sealed record Generator(
    string Kind,
    string Name,
    string Behavior,
    IReadOnlyDictionary<string, string> Files,
    IReadOnlyList<string> EnvFiles,
    JsonObject? Labels)
{
    /// <summary>The keys and values of the env files: KEY=value lines, comments and blank lines skipped.</summary>
    public IReadOnlyDictionary<string, string> EnvEntries() => EnvFiles
        .SelectMany(File.ReadAllLines)
        .Select(line => line.Trim())
        .Where(line => line.Length > 0 && !line.StartsWith('#'))
        .Select(line => line.Split('=', 2))
        .ToDictionary(kv => kv[0], kv => kv.Length > 1 ? kv[1] : "");
}
