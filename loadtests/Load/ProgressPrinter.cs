using System.Globalization;
using FnPipeline.LoadTests.Stats;
using HdrHistogram;

namespace FnPipeline.LoadTests.Load;

/// <summary>
/// Once a second: takes the calls completed in that second, prints a progress line (calls, errors, p50/p99) and keeps
/// the point for the report's latency-over-time chart.
/// </summary>
internal sealed class ProgressPrinter(LoadRunner runner, RunStats stats, TextWriter output)
{
    private readonly List<TimelinePoint> _timeline = [];

    public IReadOnlyList<TimelinePoint> Timeline => _timeline;

    public async Task RunUntilAsync(Task run)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromSeconds(1));
        while (await Task.WhenAny(run, timer.WaitForNextTickAsync().AsTask()) != run)
        {
            Tick(runner.Elapsed);
        }

        // The last, partial second (and the drain).
        Tick(runner.Elapsed);
    }

    private void Tick(TimeSpan now)
    {
        var (latencies, errors) = stats.TakeInterval();
        var count = latencies.TotalCount;
        var point = new TimelinePoint(
            Math.Round(now.TotalSeconds, 2),
            runner.PhaseLabel(now - TimeSpan.FromMilliseconds(1)),
            count,
            errors,
            Millis(latencies, 50),
            Millis(latencies, 99),
            count == 0 ? 0 : latencies.GetMaxValue() / 1000.0,
            runner.InFlight);
        _timeline.Add(point);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"[{now:mm\\:ss}] {point.Phase,-7} calls {stats.MeasuredCalls + stats.WarmupOk + stats.WarmupFailed,8:N0} (+{count,5:N0}/s)  errors {stats.MeasuredErrors + stats.WarmupFailed,6:N0}  p50 {point.P50Ms,9:0.000} ms  p99 {point.P99Ms,9:0.000} ms  in flight {point.InFlight,4}"));
    }

    private static double Millis(HdrHistogram.HistogramBase histogram, double percentile) =>
        histogram.TotalCount == 0 ? 0 : histogram.GetValueAtPercentile(percentile) / 1000.0;
}
