using System.Globalization;
using System.Text.Json.Nodes;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace SessionGrains.Tests.Infrastructure;

/// <summary>
/// YAML (multi-document: Kubernetes manifests, kustomizations) read into JSON nodes, which the
/// tests navigate as they navigate API answers. A plain scalar that reads as a number or a boolean
/// becomes one, as Kubernetes reads it; a quoted one stays a string.
/// </summary>
public static class Yaml
{
    /// <summary>Every non-empty document of <paramref name="text"/>, each a mapping.</summary>
    public static IReadOnlyList<JsonObject> Documents(string text)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(text));
        return stream.Documents
            .Where(d => d.RootNode is not YamlScalarNode { Value: null or "" })
            .Select(d => ToJson(d.RootNode) as JsonObject
                ?? throw new InvalidDataException($"A document that is not a mapping, at {d.RootNode.Start}."))
            .ToList();
    }

    /// <summary>The documents of a file.</summary>
    public static IReadOnlyList<JsonObject> File(string path) => Documents(System.IO.File.ReadAllText(path));

    private static JsonNode? ToJson(YamlNode node) => node switch
    {
        YamlMappingNode map => new JsonObject(map.Children.Select(pair =>
            KeyValuePair.Create(((YamlScalarNode)pair.Key).Value ?? "", ToJson(pair.Value)))),
        YamlSequenceNode sequence => new JsonArray(sequence.Children.Select(ToJson).ToArray()),
        YamlScalarNode scalar => Scalar(scalar),
        _ => throw new InvalidDataException($"Unsupported YAML node at {node.Start}."),
    };

    private static JsonNode? Scalar(YamlScalarNode scalar)
    {
        var value = scalar.Value ?? "";
        if (scalar.Style != ScalarStyle.Plain)
        {
            return JsonValue.Create(value);
        }

        if (value is "" or "~" or "null")
        {
            return null;
        }

        if (value is "true" or "false")
        {
            return JsonValue.Create(value == "true");
        }

        return long.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var number)
            ? JsonValue.Create(number)
            : JsonValue.Create(value);
    }
}
