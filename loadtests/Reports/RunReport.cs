using System.Runtime.InteropServices;
using System.Text.Json.Serialization;
using FnPipeline.LoadTests.Stats;
using HdrHistogram;

namespace FnPipeline.LoadTests.Reports;

/// <summary>Everything a run's reports say; serialised as is to the JSON report.</summary>
/// <param name="Executor">The scenario through FnPipeline's executor.</param>
/// <param name="Baseline">The same scenario and load the bare way, right after, in the same process; <c>null</c> when skipped.</param>
/// <param name="BaselineNote">Why there is no baseline, or what it was.</param>
/// <param name="Comparison">Executor over baseline, per step.</param>
internal sealed record RunReport(
    string Scenario,
    string Description,
    string Driver,
    string Model,
    double? Rate,
    int? Concurrency,
    double WarmupSeconds,
    double DurationSeconds,
    DateTimeOffset StartedAt,
    string CommandLine,
    MachineInfo Machine,
    PhaseRun Executor,
    PhaseRun? Baseline,
    string BaselineNote,
    IReadOnlyList<ComparisonLine> Comparison);

/// <summary>One pass of the scenario (executor or baseline): results, failures, warm-up counts and timeline.</summary>
internal sealed record PhaseRun(
    string Paths,
    double ElapsedSeconds,
    PhaseCounts Warmup,
    IReadOnlyList<StepReport> Steps,
    IReadOnlyList<ErrorSnapshot> Errors,
    long Abandoned,
    IReadOnlyList<TimelinePoint> Timeline)
{
    /// <summary>The "all calls" line (first in <see cref="Steps"/>).</summary>
    [JsonIgnore]
    public StepReport All => Steps[0];
}

/// <summary>Executor over baseline for one step: latency ratios (lower is better) and throughput ratio (higher is better).</summary>
internal sealed record ComparisonLine(
    string Step,
    double ExecutorP50Ms,
    double BaselineP50Ms,
    double P50Ratio,
    double ExecutorP99Ms,
    double BaselineP99Ms,
    double P99Ratio,
    double ExecutorOkPerSecond,
    double BaselineOkPerSecond,
    double ThroughputRatio)
{
    public static IReadOnlyList<ComparisonLine> Between(PhaseRun executor, PhaseRun? baseline) => baseline is null
        ? []
        : executor.Steps.Join(baseline.Steps, s => s.Name, s => s.Name, (e, b) => new ComparisonLine(
            e.Name,
            e.Latency.P50Ms,
            b.Latency.P50Ms,
            Ratio(e.Latency.P50Ms, b.Latency.P50Ms),
            e.Latency.P99Ms,
            b.Latency.P99Ms,
            Ratio(e.Latency.P99Ms, b.Latency.P99Ms),
            e.OkPerSecond,
            b.OkPerSecond,
            Ratio(e.OkPerSecond, b.OkPerSecond)), StringComparer.Ordinal).ToList();

    private static double Ratio(double value, double baseline) => baseline > 0 ? Math.Round(value / baseline, 3) : 0;
}

/// <summary>The machine a run was made on (figures compare only within one machine and one run).</summary>
internal sealed record MachineInfo(string Host, int ProcessorCount, string Os, string Runtime)
{
    public static MachineInfo Current { get; } = new(
        Environment.MachineName,
        Environment.ProcessorCount,
        RuntimeInformation.OSDescription,
        RuntimeInformation.FrameworkDescription);
}

/// <summary>Warm-up calls: counted, not in the percentiles.</summary>
internal sealed record PhaseCounts(long Ok, long Failed);

/// <summary>One line of the results table.</summary>
internal sealed record StepReport(
    string Name,
    long Count,
    long Ok,
    long Failed,
    double OkPerSecond,
    double CallsPerSecond,
    LatencyReport Latency,
    LatencyReport? FailedLatency)
{
    public static StepReport From(StepSnapshot step, double measuredSeconds) => new(
        step.Name,
        step.Count,
        step.OkCount,
        step.FailCount,
        step.OkCount / measuredSeconds,
        step.Count / measuredSeconds,
        LatencyReport.From(step.Ok),
        step.Failed.TotalCount > 0 ? LatencyReport.From(step.Failed) : null);
}

/// <summary>Latency percentiles in milliseconds (HdrHistogram, 3 significant digits).</summary>
internal sealed record LatencyReport(double MeanMs, double P50Ms, double P75Ms, double P95Ms, double P99Ms, double MaxMs)
{
    public static LatencyReport From(HistogramBase histogram) => histogram.TotalCount == 0
        ? new LatencyReport(0, 0, 0, 0, 0, 0)
        : new LatencyReport(
            histogram.GetMean() / 1000.0,
            histogram.GetValueAtPercentile(50) / 1000.0,
            histogram.GetValueAtPercentile(75) / 1000.0,
            histogram.GetValueAtPercentile(95) / 1000.0,
            histogram.GetValueAtPercentile(99) / 1000.0,
            histogram.GetMaxValue() / 1000.0);
}
