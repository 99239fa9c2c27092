using System.Globalization;

namespace FnPipeline.LoadTests.Reports;

/// <summary>The end-of-run summary on the console: results per pass and the ratios.</summary>
internal static class ConsoleSummary
{
    public static void Print(RunReport report, TextWriter output)
    {
        output.WriteLine();
        Pass(output, "FnExecutor", report.Executor);
        if (report.Baseline is { } baseline)
        {
            Pass(output, "baseline", baseline);
        }

        foreach (var c in report.Comparison)
        {
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"ratio [{c.Step}] executor/baseline: p50 {c.P50Ratio:0.00}x  p99 {c.P99Ratio:0.00}x  throughput {c.ThroughputRatio:0.00}x"));
        }

        if (report.Baseline is null)
        {
            output.WriteLine($"baseline: {report.BaselineNote}");
        }

        output.WriteLine();
    }

    private static void Pass(TextWriter output, string title, PhaseRun run)
    {
        output.WriteLine($"{title,-10} {"step",-14} {"calls",9} {"ok",9} {"failed",7} {"ok/s",9} {"p50 ms",9} {"p75 ms",9} {"p95 ms",9} {"p99 ms",9} {"max ms",9}");
        foreach (var s in run.Steps)
        {
            var l = s.Latency;
            output.WriteLine($"{"",-10} {s.Name,-14} {Format.Count(s.Count),9} {Format.Count(s.Ok),9} {Format.Count(s.Failed),7} {Format.Rate(s.OkPerSecond),9} {Format.Ms(l.P50Ms),9} {Format.Ms(l.P75Ms),9} {Format.Ms(l.P95Ms),9} {Format.Ms(l.P99Ms),9} {Format.Ms(l.MaxMs),9}");
        }

        foreach (var error in run.Errors.OrderByDescending(e => e.Count))
        {
            output.WriteLine($"{"",-10} failed: {error.Count} x [{error.Step}] {error.Status}: {error.Sample}");
        }
    }
}
