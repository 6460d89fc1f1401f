using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace SessionGrains.Silo.Hosting;

/// <summary>Writes timestamps as the contract wants them: UTC, milliseconds, a trailing Z.</summary>
internal sealed class UtcTimestampConverter : JsonConverter<DateTimeOffset>
{
    private const string Format = "yyyy-MM-dd'T'HH:mm:ss.fff'Z'";

    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.GetDateTimeOffset();

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(Text(value));

    /// <summary>The contract's text of a timestamp, wherever one is written (JSON, CSV).</summary>
    public static string Text(DateTimeOffset value) => value.UtcDateTime.ToString(Format, CultureInfo.InvariantCulture);
}
