using System.Diagnostics.Metrics;
using System.Text;

namespace FnPipeline.Cli.Gateway;

/// <summary>A histogram: cumulative buckets, <c>_sum</c> and <c>_count</c> per label set.</summary>
internal sealed class HistogramSeries(Instrument instrument, string name) : PrometheusSeries(instrument, name)
{
    /// <summary>Upper bounds for durations in seconds: from a warm call (ms) to a slow pull (minutes).</summary>
    public static readonly double[] Bounds = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300];

    private readonly SortedDictionary<string, State> _states = new(StringComparer.Ordinal);

    protected override string TypeName => "histogram";

    protected override void Add(string labels, double value)
    {
        if (!_states.TryGetValue(labels, out var state))
        {
            state = new State();
            _states.Add(labels, state);
        }

        var bucket = Array.BinarySearch(Bounds, value);
        state.Buckets[bucket >= 0 ? bucket : ~bucket]++;
        state.Sum += value;
        state.Count++;
    }

    protected override void WriteSamples(StringBuilder builder)
    {
        foreach (var (labels, state) in _states)
        {
            var prefix = labels.Length > 0 ? labels + "," : "";
            long cumulative = 0;
            for (var i = 0; i <= Bounds.Length; i++)
            {
                cumulative += state.Buckets[i];
                var bound = i < Bounds.Length ? Number(Bounds[i]) : "+Inf";
                builder.Append(Name).Append("_bucket{").Append(prefix).Append("le=\"").Append(bound).Append("\"} ").Append(cumulative).Append('\n');
            }

            var braces = labels.Length > 0 ? "{" + labels + "}" : "";
            builder.Append(Name).Append("_sum").Append(braces).Append(' ').Append(Number(state.Sum)).Append('\n');
            builder.Append(Name).Append("_count").Append(braces).Append(' ').Append(state.Count).Append('\n');
        }
    }

    private sealed class State
    {
        public long[] Buckets { get; } = new long[Bounds.Length + 1];

        public double Sum { get; set; }

        public long Count { get; set; }
    }
}
