using System.Diagnostics.Metrics;
using System.Text;

namespace FnPipeline.Cli.Gateway;

/// <summary>A counter (monotonic, <c>_total</c>) or an up-down counter (a gauge): one running sum per label set.</summary>
internal sealed class SumSeries(Instrument instrument, string name, string typeName) : PrometheusSeries(instrument, name)
{
    private readonly SortedDictionary<string, double> _sums = new(StringComparer.Ordinal);

    protected override string TypeName => typeName;

    protected override void Add(string labels, double value) =>
        _sums[labels] = _sums.GetValueOrDefault(labels) + value;

    protected override void WriteSamples(StringBuilder builder)
    {
        foreach (var (labels, sum) in _sums)
        {
            builder.Append(Name);
            if (labels.Length > 0)
            {
                builder.Append('{').Append(labels).Append('}');
            }

            builder.Append(' ').Append(Number(sum)).Append('\n');
        }
    }
}
