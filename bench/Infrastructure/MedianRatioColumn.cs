using System.Globalization;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace FnPipeline.Benchmarks.Infrastructure;

/// <summary>
/// Median over the baseline's median in the same group. The latency targets are stated on medians, which a few slow
/// iterations on a shared machine move far less than the mean that BenchmarkDotNet's own Ratio uses.
/// </summary>
internal sealed class MedianRatioColumn : IColumn
{
    public static readonly MedianRatioColumn Instance = new();

    public string Id => nameof(MedianRatioColumn);

    public string ColumnName => "Median Ratio";

    public bool AlwaysShow => true;

    public ColumnCategory Category => ColumnCategory.Custom;

    public int PriorityInCategory => 1;

    public bool IsNumeric => true;

    public UnitType UnitType => UnitType.Dimensionless;

    public string Legend => "Median of this benchmark / median of its baseline, measured in the same run";

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase) => GetValue(summary, benchmarkCase, summary.Style);

    public string GetValue(Summary summary, BenchmarkCase benchmarkCase, SummaryStyle style)
    {
        var baseline = summary.GetBaseline(summary.GetLogicalGroupKey(benchmarkCase));
        var median = summary[benchmarkCase]?.ResultStatistics?.Median;
        var baselineMedian = baseline is null ? null : summary[baseline]?.ResultStatistics?.Median;
        return median is > 0 && baselineMedian is > 0
            ? (median.Value / baselineMedian.Value).ToString("0.00", CultureInfo.InvariantCulture)
            : "?";
    }

    public bool IsAvailable(Summary summary) => true;

    public bool IsDefault(Summary summary, BenchmarkCase benchmarkCase) => false;

    public override string ToString() => ColumnName;
}
