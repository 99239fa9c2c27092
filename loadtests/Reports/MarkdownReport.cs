using System.Globalization;
using System.Text;

namespace FnPipeline.LoadTests.Reports;

/// <summary>The markdown report: settings, results per step, failures by status, and the timeline.</summary>
internal static class MarkdownReport
{
    public static string Render(RunReport report)
    {
        var md = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        md.AppendLine(inv, $"# Load test: {report.Scenario}");
        md.AppendLine();
        md.AppendLine(report.Description);
        md.AppendLine();
        md.AppendLine("| Setting | Value |");
        md.AppendLine("|---|---|");
        md.AppendLine(inv, $"| Started | {report.StartedAt:yyyy-MM-dd HH:mm:ss} UTC |");
        md.AppendLine(inv, $"| Driver | {report.Driver} |");
        md.AppendLine(inv, $"| Load | {Format.Load(report)} |");
        md.AppendLine(inv, $"| Warm-up / measured | {Format.Seconds(report.WarmupSeconds)} / {Format.Seconds(report.DurationSeconds)} (run took {Format.Seconds(report.ElapsedSeconds)}) |");
        md.AppendLine(inv, $"| Warm-up calls (not in the figures) | {Format.Count(report.Warmup.Ok)} ok, {Format.Count(report.Warmup.Failed)} failed |");
        md.AppendLine(inv, $"| Machine | {report.Machine.Host}: {report.Machine.ProcessorCount} cores, {report.Machine.Os}, {report.Machine.Runtime} |");
        md.AppendLine(inv, $"| Command | `{report.CommandLine}` |");
        md.AppendLine();
        md.AppendLine("## Results (measured phase)");
        md.AppendLine();
        md.AppendLine("| Step | Calls | OK | Failed | OK/s | p50 ms | p75 ms | p95 ms | p99 ms | Max ms | Mean ms |");
        md.AppendLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var step in report.Steps)
        {
            var l = step.Latency;
            md.AppendLine(inv, $"| {step.Name} | {Format.Count(step.Count)} | {Format.Count(step.Ok)} | {Format.Count(step.Failed)} | {Format.Rate(step.OkPerSecond)} | {Format.Ms(l.P50Ms)} | {Format.Ms(l.P75Ms)} | {Format.Ms(l.P95Ms)} | {Format.Ms(l.P99Ms)} | {Format.Ms(l.MaxMs)} | {Format.Ms(l.MeanMs)} |");
        }

        md.AppendLine();
        md.AppendLine("Latencies are of successful calls; in the open model they count from each call's scheduled start.");
        md.AppendLine();
        md.AppendLine("## Failures by status");
        md.AppendLine();
        if (report.Errors.Count == 0)
        {
            md.AppendLine("None.");
        }
        else
        {
            md.AppendLine("| Step | Status | Count | Share | First message |");
            md.AppendLine("|---|---|---:|---:|---|");
            foreach (var error in report.Errors.OrderByDescending(e => e.Count))
            {
                md.AppendLine(inv, $"| {error.Step} | {error.Status} | {Format.Count(error.Count)} | {Format.Percent(error.Count, report.All.Count)} | {Escape(error.Sample)} |");
            }
        }

        if (report.Abandoned > 0)
        {
            md.AppendLine();
            md.AppendLine(inv, $"{report.Abandoned} call(s) were still running at the end of the drain and were cancelled.");
        }

        md.AppendLine();
        md.AppendLine("## Timeline (calls completed per second)");
        md.AppendLine();
        md.AppendLine("<details><summary>Per-second figures</summary>");
        md.AppendLine();
        md.AppendLine("| t (s) | Phase | Completed | Errors | p50 ms | p99 ms | Max ms | In flight |");
        md.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|");
        foreach (var p in report.Timeline)
        {
            md.AppendLine(inv, $"| {p.Second:0.0} | {p.Phase} | {Format.Count(p.Completed)} | {Format.Count(p.Errors)} | {Format.Ms(p.P50Ms)} | {Format.Ms(p.P99Ms)} | {Format.Ms(p.MaxMs)} | {p.InFlight} |");
        }

        md.AppendLine();
        md.AppendLine("</details>");
        return md.ToString();
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
