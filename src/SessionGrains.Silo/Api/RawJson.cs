using System.Text.Json;
using System.Text.Json.Serialization;

namespace SessionGrains.Silo.Api;

/// <summary>
/// JSON that was validated when it came in and is written back out as it is (claims), without
/// being parsed again on every response.
/// </summary>
[JsonConverter(typeof(RawJsonConverter))]
public sealed record RawJson(string Json)
{
    /// <summary>Wraps stored JSON, or null.</summary>
    public static RawJson? From(string? json) => json is null ? null : new RawJson(json);
}

internal sealed class RawJsonConverter : JsonConverter<RawJson>
{
    public override RawJson Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        return new RawJson(document.RootElement.GetRawText());
    }

    public override void Write(Utf8JsonWriter writer, RawJson value, JsonSerializerOptions options) =>
        writer.WriteRawValue(value.Json, skipInputValidation: true);
}
