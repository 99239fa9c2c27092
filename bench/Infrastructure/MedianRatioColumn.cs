using System.Globalization;
using BenchmarkDotNet.Reports;
using BenchmarkDotNet.Running;

namespace FnPipeline.Benchmarks.Infrastructure;

/// <summary>
/// Median over the baseline's median in the same group. The latency targets are stated on medians, which a few slow
/// iterations on a shared machine move far less than the mean that BenchmarkDotNet's own Ratio uses.
/// </summary>
internal sealed class MedianRatioColumn()
    : NumericSummaryColumn("Median Ratio", 1, "Median of this benchmark / median of its baseline, measured in the same run")
{
    public static readonly MedianRatioColumn Instance = new();

    protected override string Format(Summary summary, BenchmarkCase benchmarkCase)
    {
        var baseline = summary.GetBaseline(summary.GetLogicalGroupKey(benchmarkCase));
        var median = summary[benchmarkCase]?.ResultStatistics?.Median;
        var baselineMedian = baseline is null ? null : summary[baseline]?.ResultStatistics?.Median;
        return median is > 0 && baselineMedian is > 0
            ? (median.Value / baselineMedian.Value).ToString("0.00", CultureInfo.InvariantCulture)
            : "?";
    }
}
