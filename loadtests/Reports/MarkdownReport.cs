using System.Globalization;
using System.Text;

namespace FnPipeline.LoadTests.Reports;

/// <summary>The markdown report: settings, the comparison with the baseline, results per step, failures by status, timeline.</summary>
internal static class MarkdownReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Render(RunReport report)
    {
        var md = new StringBuilder();
        md.AppendLine(Inv, $"# Load test: {report.Scenario}");
        md.AppendLine();
        md.AppendLine(report.Description);
        md.AppendLine();
        md.AppendLine("| Setting | Value |");
        md.AppendLine("|---|---|");
        md.AppendLine(Inv, $"| Started | {report.StartedAt:yyyy-MM-dd HH:mm:ss} UTC |");
        md.AppendLine(Inv, $"| Driver | {report.Driver} |");
        md.AppendLine(Inv, $"| Load | {Format.Load(report)} |");
        md.AppendLine(Inv, $"| Warm-up / measured | {Format.Seconds(report.WarmupSeconds)} / {Format.Seconds(report.DurationSeconds)} per pass |");
        md.AppendLine(Inv, $"| Baseline | {Escape(report.BaselineNote)} |");
        md.AppendLine(Inv, $"| Machine | {report.Machine.Host}: {report.Machine.ProcessorCount} cores, {report.Machine.Os}, {report.Machine.Runtime} |");
        md.AppendLine(Inv, $"| Command | `{report.CommandLine}` |");
        md.AppendLine();
        if (report.Comparison.Count > 0)
        {
            md.AppendLine("## FnPipeline vs baseline (same load, same run)");
            md.AppendLine();
            md.AppendLine("| Step | p50 ms executor | p50 ms baseline | p50 ratio | p99 ms executor | p99 ms baseline | p99 ratio | OK/s executor | OK/s baseline | throughput ratio |");
            md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
            foreach (var c in report.Comparison)
            {
                md.AppendLine(Inv, $"| {c.Step} | {Format.Ms(c.ExecutorP50Ms)} | {Format.Ms(c.BaselineP50Ms)} | {c.P50Ratio:0.00} | {Format.Ms(c.ExecutorP99Ms)} | {Format.Ms(c.BaselineP99Ms)} | {c.P99Ratio:0.00} | {Format.Rate(c.ExecutorOkPerSecond)} | {Format.Rate(c.BaselineOkPerSecond)} | {c.ThroughputRatio:0.00} |");
            }

            md.AppendLine();
            md.AppendLine("Latency ratios are executor / baseline (lower is better); the throughput ratio is executor / baseline (higher is better).");
            md.AppendLine();
        }

        Phase(md, "FnPipeline executor", report.Executor, report);
        if (report.Baseline is { } baseline)
        {
            Phase(md, "Baseline: " + baseline.Paths, baseline, report);
        }

        return md.ToString();
    }

    private static void Phase(StringBuilder md, string title, PhaseRun run, RunReport report)
    {
        md.AppendLine(Inv, $"## {title}");
        md.AppendLine();
        md.AppendLine(Inv, $"Run took {Format.Seconds(run.ElapsedSeconds)}; warm-up calls (not in the figures): {Format.Count(run.Warmup.Ok)} ok, {Format.Count(run.Warmup.Failed)} failed.");
        md.AppendLine();
        md.AppendLine("| Step | Calls | OK | Failed | OK/s | p50 ms | p75 ms | p95 ms | p99 ms | Max ms | Mean ms |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var step in run.Steps)
        {
            var l = step.Latency;
            md.AppendLine(Inv, $"| {step.Name} | {Format.Count(step.Count)} | {Format.Count(step.Ok)} | {Format.Count(step.Failed)} | {Format.Rate(step.OkPerSecond)} | {Format.Ms(l.P50Ms)} | {Format.Ms(l.P75Ms)} | {Format.Ms(l.P95Ms)} | {Format.Ms(l.P99Ms)} | {Format.Ms(l.MaxMs)} | {Format.Ms(l.MeanMs)} |");
        }

        md.AppendLine();
        md.AppendLine(report.Model == "open"
            ? "Latencies are of successful calls, counted from each call's scheduled start."
            : "Latencies are of successful calls.");
        md.AppendLine();
        md.AppendLine("### Failures by status");
        md.AppendLine();
        if (run.Errors.Count == 0)
        {
            md.AppendLine("None.");
        }
        else
        {
            md.AppendLine("| Step | Status | Count | Share | First message |");
            md.AppendLine("|---|---|---:|---:|---|");
            foreach (var error in run.Errors.OrderByDescending(e => e.Count))
            {
                md.AppendLine(Inv, $"| {error.Step} | {error.Status} | {Format.Count(error.Count)} | {Format.Percent(error.Count, run.All.Count)} | {Escape(error.Sample)} |");
            }
        }

        if (run.Abandoned > 0)
        {
            md.AppendLine();
            md.AppendLine(Inv, $"{run.Abandoned} call(s) were still running at the end of the drain and were cancelled.");
        }

        md.AppendLine();
        md.AppendLine("<details><summary>Timeline: calls completed per second</summary>");
        md.AppendLine();
        md.AppendLine("| t (s) | Phase | Completed | Errors | p50 ms | p99 ms | Max ms | In flight |");
        md.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|");
        foreach (var p in run.Timeline)
        {
            md.AppendLine(Inv, $"| {p.Second:0.0} | {p.Phase} | {Format.Count(p.Completed)} | {Format.Count(p.Errors)} | {Format.Ms(p.P50Ms)} | {Format.Ms(p.P99Ms)} | {Format.Ms(p.MaxMs)} | {p.InFlight} |");
        }

        md.AppendLine();
        md.AppendLine("</details>");
        md.AppendLine();
    }

    private static string Escape(string? text)
    {
        if (text is null)
        {
            return "";
        }

        var flat = text.Replace("|", "\\|", StringComparison.Ordinal).Replace('\n', ' ').Replace('\r', ' ');
        return flat.Length > 160 ? flat[..160] + "…" : flat;
    }
}
