using System.Runtime.InteropServices;
using System.Text.Json.Serialization;
using FnPipeline.LoadTests.Stats;
using HdrHistogram;

namespace FnPipeline.LoadTests.Reports;

/// <summary>Everything a run's reports say; serialised as is to the JSON report.</summary>
internal sealed record RunReport(
    string Scenario,
    string Description,
    string Driver,
    string Model,
    double? Rate,
    int? Concurrency,
    double WarmupSeconds,
    double DurationSeconds,
    double ElapsedSeconds,
    DateTimeOffset StartedAt,
    string CommandLine,
    MachineInfo Machine,
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
