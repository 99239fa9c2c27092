using System.Globalization;
using System.Net;
using System.Text;

namespace FnPipeline.LoadTests.Reports;

/// <summary>A self-contained HTML page: the markdown report's tables plus latency-over-time and throughput charts per pass.</summary>
internal static class HtmlReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Render(RunReport report)
    {
        var html = new StringBuilder();
        html.AppendLine("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">");
        html.AppendLine(Inv, $"<title>Load test: {E(report.Scenario)}</title>");
        html.AppendLine("<style>body{font-family:sans-serif;margin:2em;max-width:1000px}table{border-collapse:collapse;margin:1em 0}"
            + "th,td{border:1px solid #ccc;padding:4px 8px}td.n{text-align:right}th{background:#f4f4f4}svg{border:1px solid #ddd;margin:.5em 0}</style>");
        html.AppendLine("</head><body>");
        html.AppendLine(Inv, $"<h1>Load test: {E(report.Scenario)}</h1><p>{E(report.Description)}</p>");
        html.AppendLine("<table>");
        Row(html, "Started", $"{report.StartedAt:yyyy-MM-dd HH:mm:ss} UTC");
        Row(html, "Driver", report.Driver);
        Row(html, "Load", Format.Load(report));
        Row(html, "Warm-up / measured", $"{Format.Seconds(report.WarmupSeconds)} / {Format.Seconds(report.DurationSeconds)} per pass");
        Row(html, "Baseline", report.BaselineNote);
        Row(html, "Machine", $"{report.Machine.Host}: {report.Machine.ProcessorCount} cores, {report.Machine.Os}, {report.Machine.Runtime}");
        Row(html, "Command", report.CommandLine);
        html.AppendLine("</table>");

        if (report.Comparison.Count > 0)
        {
            html.AppendLine("<h2>FnPipeline vs baseline (same load, same run)</h2><table><tr><th>Step</th><th>p50 ms executor</th><th>p50 ms baseline</th>"
                + "<th>p50 ratio</th><th>p99 ms executor</th><th>p99 ms baseline</th><th>p99 ratio</th><th>OK/s executor</th><th>OK/s baseline</th><th>throughput ratio</th></tr>");
            foreach (var c in report.Comparison)
            {
                html.AppendLine(Inv, $"<tr><td>{E(c.Step)}</td>{N(Format.Ms(c.ExecutorP50Ms))}{N(Format.Ms(c.BaselineP50Ms))}{N(c.P50Ratio.ToString("0.00", Inv))}"
                    + $"{N(Format.Ms(c.ExecutorP99Ms))}{N(Format.Ms(c.BaselineP99Ms))}{N(c.P99Ratio.ToString("0.00", Inv))}"
                    + $"{N(Format.Rate(c.ExecutorOkPerSecond))}{N(Format.Rate(c.BaselineOkPerSecond))}{N(c.ThroughputRatio.ToString("0.00", Inv))}</tr>");
            }

            html.AppendLine("</table><p>Latency ratios: executor / baseline, lower is better. Throughput ratio: executor / baseline, higher is better.</p>");
        }

        Phase(html, "FnPipeline executor", report.Executor, report);
        if (report.Baseline is { } baseline)
        {
            Phase(html, "Baseline: " + baseline.Paths, baseline, report);
        }

        html.AppendLine("</body></html>");
        return html.ToString();
    }

    private static void Phase(StringBuilder html, string title, PhaseRun run, RunReport report)
    {
        html.AppendLine(Inv, $"<h2>{E(title)}</h2><p>Run took {E(Format.Seconds(run.ElapsedSeconds))}; warm-up calls (not in the figures): {E(Format.Count(run.Warmup.Ok))} ok, {E(Format.Count(run.Warmup.Failed))} failed.</p>");
        html.AppendLine("<table><tr><th>Step</th><th>Calls</th><th>OK</th><th>Failed</th><th>OK/s</th>"
            + "<th>p50 ms</th><th>p75 ms</th><th>p95 ms</th><th>p99 ms</th><th>Max ms</th><th>Mean ms</th></tr>");
        foreach (var s in run.Steps)
        {
            var l = s.Latency;
            html.AppendLine(Inv, $"<tr><td>{E(s.Name)}</td>{N(Format.Count(s.Count))}{N(Format.Count(s.Ok))}{N(Format.Count(s.Failed))}{N(Format.Rate(s.OkPerSecond))}"
                + $"{N(Format.Ms(l.P50Ms))}{N(Format.Ms(l.P75Ms))}{N(Format.Ms(l.P95Ms))}{N(Format.Ms(l.P99Ms))}{N(Format.Ms(l.MaxMs))}{N(Format.Ms(l.MeanMs))}</tr>");
        }

        html.AppendLine("</table>");
        html.AppendLine(report.Model == "open"
            ? "<p>Latencies are of successful calls, counted from each call's scheduled start.</p>"
            : "<p>Latencies are of successful calls.</p>");
        html.AppendLine(SvgChart.Latency(run.Timeline, report.WarmupSeconds));
        html.AppendLine(SvgChart.Throughput(run.Timeline, report.WarmupSeconds));
        html.AppendLine("<h3>Failures by status</h3>");
        if (run.Errors.Count == 0)
        {
            html.AppendLine("<p>None.</p>");
        }
        else
        {
            html.AppendLine("<table><tr><th>Step</th><th>Status</th><th>Count</th><th>Share</th><th>First message</th></tr>");
            foreach (var error in run.Errors.OrderByDescending(e => e.Count))
            {
                html.AppendLine(Inv, $"<tr><td>{E(error.Step)}</td><td>{E(error.Status)}</td>{N(Format.Count(error.Count))}{N(Format.Percent(error.Count, run.All.Count))}<td>{E(error.Sample)}</td></tr>");
            }

            html.AppendLine("</table>");
        }

        if (run.Abandoned > 0)
        {
            html.AppendLine(Inv, $"<p>{run.Abandoned} call(s) were still running at the end of the drain and were cancelled.</p>");
        }
    }

    private static void Row(StringBuilder html, string name, string value) =>
        html.AppendLine(Inv, $"<tr><th>{E(name)}</th><td>{E(value)}</td></tr>");

    private static string N(string value) => $"<td class=\"n\">{E(value)}</td>";

    private static string E(string? text) => WebUtility.HtmlEncode(text ?? "");
}
