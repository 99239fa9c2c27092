using System.Diagnostics.Metrics;
using System.Globalization;
using System.Text;

namespace FnPipeline.Cli.Gateway;

/// <summary>The running values of one instrument, per label set.</summary>
internal abstract class PrometheusSeries(Instrument instrument, string name)
{
    private readonly Lock _gate = new();

    public string Name { get; } = name;

    protected Instrument Instrument { get; } = instrument;

    protected Lock Gate => _gate;

    public static PrometheusSeries? Create(Instrument instrument)
    {
        ArgumentNullException.ThrowIfNull(instrument);
        var baseName = BaseName(instrument);
        var type = instrument.GetType();
        var generic = type.IsGenericType ? type.GetGenericTypeDefinition() : type;
        return generic == typeof(Counter<>) ? new SumSeries(instrument, baseName + "_total", "counter")
            : generic == typeof(UpDownCounter<>) ? new SumSeries(instrument, baseName, "gauge")
            : generic == typeof(Histogram<>) ? new HistogramSeries(instrument, baseName)
            : null;
    }

    public void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var labels = Labels(tags);
        lock (_gate)
        {
            Add(labels, value);
        }
    }

    public void Write(StringBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (!string.IsNullOrEmpty(Instrument.Description))
        {
            builder.Append("# HELP ").Append(Name).Append(' ').Append(EscapeHelp(Instrument.Description)).Append('\n');
        }

        builder.Append("# TYPE ").Append(Name).Append(' ').Append(TypeName).Append('\n');
        lock (_gate)
        {
            WriteSamples(builder);
        }
    }

    protected abstract string TypeName { get; }

    protected abstract void Add(string labels, double value);

    protected abstract void WriteSamples(StringBuilder builder);

    protected static string Number(double value) =>
        double.IsPositiveInfinity(value) ? "+Inf" : value.ToString("R", CultureInfo.InvariantCulture);

    /// <summary>Labels sorted by name, rendered <c>a="x",b="y"</c> (no braces), as the series key.</summary>
    private static string Labels(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (tags.Length == 0)
        {
            return "";
        }

        var sorted = tags.ToArray();
        Array.Sort(sorted, (a, b) => string.CompareOrdinal(a.Key, b.Key));
        var builder = new StringBuilder();
        foreach (var (key, value) in sorted)
        {
            if (builder.Length > 0)
            {
                builder.Append(',');
            }

            builder.Append(Sanitize(key)).Append("=\"").Append(EscapeLabel(Convert.ToString(value, CultureInfo.InvariantCulture) ?? "")).Append('"');
        }

        return builder.ToString();
    }

    private static string BaseName(Instrument instrument)
    {
        var name = Sanitize(instrument.Name);
        var suffix = instrument.Unit switch
        {
            "s" => "_seconds",
            "ms" => "_milliseconds",
            "By" => "_bytes",
            _ => "",
        };
        return suffix.Length > 0 && !name.EndsWith(suffix, StringComparison.Ordinal) ? name + suffix : name;
    }

    private static string Sanitize(string name)
    {
        var chars = name.ToCharArray();
        for (var i = 0; i < chars.Length; i++)
        {
            if (!(char.IsAsciiLetterOrDigit(chars[i]) || chars[i] is '_' or ':'))
            {
                chars[i] = '_';
            }
        }

        return new string(chars);
    }

    private static string EscapeLabel(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    private static string EscapeHelp(string value) =>
        value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);
}
