namespace SessionGrains.Tests.Infrastructure;

/// <summary>
/// A Dockerfile read as its stages and their instructions: continuation lines joined, comments
/// and parser directives dropped. Enough to check what the file says without building it.
/// </summary>
public sealed record Dockerfile(IReadOnlyList<DockerStage> Stages)
{
    /// <summary>The stage the image is: the last one.</summary>
    public DockerStage Final => Stages[^1];

    public static Dockerfile Load(string path)
    {
        var instructions = new List<DockerInstruction>();
        var pending = "";
        foreach (var raw in File.ReadAllLines(path))
        {
            var line = raw.Trim();
            if (pending.Length == 0 && (line.Length == 0 || line.StartsWith('#')))
            {
                continue;
            }

            if (line.StartsWith('#'))
            {
                continue; // a comment inside a continued instruction
            }

            if (line.EndsWith('\\'))
            {
                pending += line[..^1].TrimEnd() + " ";
                continue;
            }

            var whole = (pending + line).Trim();
            pending = "";
            if (whole.Length == 0)
            {
                continue;
            }

            var space = whole.IndexOfAny([' ', '\t']);
            instructions.Add(space < 0
                ? new DockerInstruction(whole.ToUpperInvariant(), "")
                : new DockerInstruction(whole[..space].ToUpperInvariant(), whole[(space + 1)..].Trim()));
        }

        var stages = new List<(string Image, string? Name, List<DockerInstruction> Instructions)>();
        foreach (var instruction in instructions)
        {
            if (instruction.Keyword == "FROM")
            {
                var parts = instruction.Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var name = parts.Length == 3 && parts[1].Equals("AS", StringComparison.OrdinalIgnoreCase) ? parts[2] : null;
                stages.Add((parts[0], name, []));
            }
            else if (stages.Count == 0)
            {
                throw new InvalidDataException($"{instruction.Keyword} before the first FROM in {path}.");
            }
            else
            {
                stages[^1].Instructions.Add(instruction);
            }
        }

        return new Dockerfile(stages.Select(s => new DockerStage(s.Image, s.Name, s.Instructions)).ToList());
    }
}

/// <summary>One FROM and what follows it.</summary>
public sealed record DockerStage(string Image, string? Name, IReadOnlyList<DockerInstruction> Instructions)
{
    /// <summary>The arguments of every instruction with this keyword, in order.</summary>
    public IEnumerable<string> All(string keyword) =>
        Instructions.Where(i => i.Keyword == keyword).Select(i => i.Arguments);

    /// <summary>The arguments of the last instruction with this keyword (the one in force), or null.</summary>
    public string? Last(string keyword) => All(keyword).LastOrDefault();
}

/// <summary>One instruction: its keyword (upper case) and its arguments.</summary>
public sealed record DockerInstruction(string Keyword, string Arguments);
