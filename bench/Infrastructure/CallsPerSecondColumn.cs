using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace FnPipeline.Benchmarks.Infrastructure;

/// <summary>
/// Calls per second: one second over the mean time per call. Benchmarks that run a batch of calls per invocation set
/// <c>OperationsPerInvoke</c> to the batch size, so with N concurrent callers this is the aggregate rate.
/// </summary>
internal sealed class CallsPerSecondColumn : IColumn
{
    public static readonly CallsPerSecondColumn Instance = new();

    public string Id => nameof(CallsPerSecondColumn);

    public string ColumnName => "Calls/s";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 0;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Calls completed per second: 1 s / Mean time per call (aggregate over all callers)";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var mean = summary[benchmarkCase]?.ResultStatistics?.Mean;
        if (mean is not > 0)
        {
            return "NA";
        }

        var rate = 1e9 / mean.Value;
        return rate.ToString(rate < 10 ? "N2" : rate < 1000 ? "N1" : "N0", CultureInfo.InvariantCulture);
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public override string ToString() => ColumnName;
}

/// <summary>Adds the <see cref="CallsPerSecondColumn"/> to a benchmark class's summary.</summary>
[AttributeUsage(AttributeTargets.Class)]
public sealed class CallsPerSecondColumnAttribute() : ColumnConfigBaseAttribute(CallsPerSecondColumn.Instance);
