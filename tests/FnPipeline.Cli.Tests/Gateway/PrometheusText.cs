using System.Globalization;

namespace FnPipeline.Cli.Tests.Gateway;

/// <summary>One sample of the Prometheus text format: <c>name{label="value",…} value</c>.</summary>
internal sealed record PrometheusSample(string Name, IReadOnlyDictionary<string, string> Labels, double Value);

/// <summary>
/// A small parser of the Prometheus text exposition format (0.0.4): <c># HELP</c> and <c># TYPE</c> lines, and samples
/// with escaped label values. Throws on a line that is neither, so that a malformed scrape fails the test.
/// </summary>
internal sealed class PrometheusText
{
    private PrometheusText(Dictionary<string, string> types, List<PrometheusSample> samples)
    {
        Types = types;
        Samples = samples;
    }

    /// <summary>Metric family name to its <c># TYPE</c> (counter, gauge, histogram…).</summary>
    public IReadOnlyDictionary<string, string> Types { get; }

    public IReadOnlyList<PrometheusSample> Samples { get; }

    public IEnumerable<PrometheusSample> Named(string name) => Samples.Where(s => s.Name == name);

    public static PrometheusText Parse(string text)
    {
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        var samples = new List<PrometheusSample>();
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r');
            if (line.Length == 0 || line.StartsWith("# HELP ", StringComparison.Ordinal))
            {
                continue;
            }

            if (line.StartsWith("# TYPE ", StringComparison.Ordinal))
            {
                var parts = line["# TYPE ".Length..].Split(' ');
                types[parts[0]] = parts[1];
                continue;
            }

            if (line.StartsWith('#'))
            {
                // EOF marker of OpenMetrics, or a comment.
                continue;
            }

            samples.Add(ParseSample(line));
        }

        return new PrometheusText(types, samples);
    }

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
            name = space > 0 ? line[..space] : throw new FormatException($"Not a sample: '{line}'");
            rest = space;
        }

        // The value, then an optional timestamp.
        var fields = line[rest..].Trim().Split(' ');
        var value = fields[0] switch
        {
            "+Inf" => double.PositiveInfinity,
            "-Inf" => double.NegativeInfinity,
            "NaN" => double.NaN,
            var number => double.Parse(number, NumberStyles.Float, CultureInfo.InvariantCulture),
        };
        return new PrometheusSample(name, labels, value);
    }

    /// <summary>Reads <c>name="value",…}</c> from <paramref name="start"/>; returns the index after the closing brace.</summary>
    private static int ParseLabels(string line, int start, Dictionary<string, string> labels)
    {
        var i = start;
        while (line[i] != '}')
        {
            var equals = line.IndexOf('=', i);
            var label = line[i..equals].Trim(',', ' ');
            if (line[equals + 1] != '"')
            {
                throw new FormatException($"Label '{label}' has no quoted value: '{line}'");
            }

            var value = new System.Text.StringBuilder();
            i = equals + 2;
            while (line[i] != '"')
            {
                if (line[i] == '\\')
                {
                    i++;
                    value.Append(line[i] == 'n' ? '\n' : line[i]);
                }
                else
                {
                    value.Append(line[i]);
                }

                i++;
            }

            labels[label] = value.ToString();
            i++;
            if (line[i] == ',')
            {
                i++;
            }
        }

        return i + 1;
    }
}
