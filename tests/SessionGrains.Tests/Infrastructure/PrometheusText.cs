using System.Globalization;
using System.Text;

namespace SessionGrains.Tests.Infrastructure;

/// <summary>One sample of a Prometheus text exposition: a series name, its labels and its value.</summary>
public sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

/// <summary>
/// A scrape of <c>GET /metrics</c> read the way Prometheus reads it (text format 0.0.4): one
/// sample a line, <c>name{label="value",…} value [timestamp]</c>, comments skipped.
/// </summary>
public sealed class PrometheusText
{
    private PrometheusText(IReadOnlyList<PrometheusSample> samples) => Samples = samples;

    public IReadOnlyList<PrometheusSample> Samples { get; }

    /// <summary>Reads an exposition; a line that is not a sample fails the read.</summary>
    public static PrometheusText Parse(string text)
    {
        var samples = new List<PrometheusSample>();
        foreach (var line in text.Split('\n'))
        {
            var trimmed = line.TrimEnd('\r');
            if (trimmed.Length == 0 || trimmed.StartsWith('#'))
            {
                continue;
            }

            samples.Add(ParseSample(trimmed));
        }

        return new PrometheusText(samples);
    }

    /// <summary>
    /// The sum of every sample of <paramref name="name"/> whose labels include <paramref name="labels"/>
    /// (label, value pairs); 0 when there is none, as for a counter that has not counted yet.
    /// </summary>
    public double Sum(string name, params (string Label, string Value)[] labels) =>
        Samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Label, out var v) && v == l.Value))
            .Sum(s => s.Value);

    /// <summary>True when some sample's name starts with <paramref name="prefix"/>.</summary>
    public bool Has(string prefix) => Samples.Any(s => s.Name.StartsWith(prefix, StringComparison.Ordinal));

    private static PrometheusSample ParseSample(string line)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var brace = line.IndexOf('{', StringComparison.Ordinal);
        var space = line.IndexOf(' ', StringComparison.Ordinal);
        string name;
        int rest;
        if (brace >= 0 && (space < 0 || brace < space))
        {
            name = line[..brace];
            rest = ParseLabels(line, brace + 1, labels);
        }
        else
        {
            Assert.True(space > 0, $"Not a sample: {line}");
            name = line[..space];
            rest = space;
        }

        var fields = line[rest..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        Assert.True(fields.Length is 1 or 2, $"Not a sample: {line}");
        return new PrometheusSample(name, labels, ParseValue(fields[0]));
    }

    /// <summary>Reads <c>label="value",…}</c> from <paramref name="at"/>; returns the index after the closing brace.</summary>
    private static int ParseLabels(string line, int at, Dictionary<string, string> labels)
    {
        while (at < line.Length && line[at] != '}')
        {
            var equals = line.IndexOf('=', at);
            Assert.True(equals > at && equals + 1 < line.Length && line[equals + 1] == '"', $"Bad labels: {line}");
            var label = line[at..equals];
            var value = new StringBuilder();
            var i = equals + 2;
            for (; i < line.Length && line[i] != '"'; i++)
            {
                if (line[i] == '\\' && i + 1 < line.Length)
                {
                    i++;
                    value.Append(line[i] == 'n' ? '\n' : line[i]);
                }
                else
                {
                    value.Append(line[i]);
                }
            }

            Assert.True(i < line.Length, $"Unclosed label value: {line}");
            labels[label] = value.ToString();
            at = i + 1;
            if (at < line.Length && line[at] == ',')
            {
                at++;
            }
        }

        Assert.True(at < line.Length, $"Unclosed labels: {line}");
        return at + 1;
    }

    private static double ParseValue(string text) => text switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
    };
}
