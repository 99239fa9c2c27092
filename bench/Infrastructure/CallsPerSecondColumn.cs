using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace FnPipeline.Benchmarks.Infrastructure;

/// <summary>
/// Calls per second: one second over the mean time per call. Benchmarks that run a batch of calls per invocation set
/// <c>OperationsPerInvoke</c> to the batch size, so with N concurrent callers this is the aggregate rate.
/// </summary>
internal sealed class CallsPerSecondColumn()
    : NumericSummaryColumn("Calls/s", 0, "Calls completed per second: 1 s / Mean time per call (aggregate over all callers)")
{
    public static readonly CallsPerSecondColumn Instance = new();

    protected override string Format(Summary summary, BenchmarkCase benchmarkCase)
    {
        var mean = summary[benchmarkCase]?.ResultStatistics?.Mean;
        if (mean is not > 0)
        {
            return "NA";
        }

        var rate = 1e9 / mean.Value;
        return rate.ToString(rate < 10 ? "N2" : rate < 1000 ? "N1" : "N0", CultureInfo.InvariantCulture);
    }
}

/// <summary>Adds the <see cref="CallsPerSecondColumn"/> to a benchmark class's summary.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class CallsPerSecondColumnAttribute() : ColumnConfigBaseAttribute(CallsPerSecondColumn.Instance);
