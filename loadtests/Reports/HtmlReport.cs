using System.Globalization;
using System.Net;
using System.Text;

namespace FnPipeline.LoadTests.Reports;

/// <summary>A self-contained HTML page: the markdown report's tables plus the latency-over-time and throughput charts.</summary>
internal static class HtmlReport
{
    public static string Render(RunReport report)
    {
        var inv = CultureInfo.InvariantCulture;
        var html = new StringBuilder();
        html.AppendLine("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">");
        html.AppendLine(inv, $"<title>Load test: {E(report.Scenario)}</title>");
        html.AppendLine("<style>body{font-family:sans-serif;margin:2em;max-width:1000px}table{border-collapse:collapse;margin:1em 0}"
            + "th,td{border:1px solid #ccc;padding:4px 8px}td.n{text-align:right}th{background:#f4f4f4}svg{border:1px solid #ddd;margin:.5em 0}</style>");
        html.AppendLine("</head><body>");
        html.AppendLine(inv, $"<h1>Load test: {E(report.Scenario)}</h1><p>{E(report.Description)}</p>");
        html.AppendLine("<table>");
        Row(html, "Started", $"{report.StartedAt:yyyy-MM-dd HH:mm:ss} UTC");
        Row(html, "Driver", report.Driver);
        Row(html, "Load", Format.Load(report));
        Row(html, "Warm-up / measured", $"{Format.Seconds(report.WarmupSeconds)} / {Format.Seconds(report.DurationSeconds)} (run took {Format.Seconds(report.ElapsedSeconds)})");
        Row(html, "Warm-up calls (not in the figures)", $"{Format.Count(report.Warmup.Ok)} ok, {Format.Count(report.Warmup.Failed)} failed");
        Row(html, "Machine", $"{report.Machine.Host}: {report.Machine.ProcessorCount} cores, {report.Machine.Os}, {report.Machine.Runtime}");
        Row(html, "Command", report.CommandLine);
        html.AppendLine("</table>");

        html.AppendLine("<h2>Results (measured phase)</h2><table><tr><th>Step</th><th>Calls</th><th>OK</th><th>Failed</th><th>OK/s</th>"
            + "<th>p50 ms</th><th>p75 ms</th><th>p95 ms</th><th>p99 ms</th><th>Max ms</th><th>Mean ms</th></tr>");
        foreach (var s in report.Steps)
        {
            var l = s.Latency;
            html.AppendLine(inv, $"<tr><td>{E(s.Name)}</td>{N(Format.Count(s.Count))}{N(Format.Count(s.Ok))}{N(Format.Count(s.Failed))}{N(Format.Rate(s.OkPerSecond))}"
                + $"{N(Format.Ms(l.P50Ms))}{N(Format.Ms(l.P75Ms))}{N(Format.Ms(l.P95Ms))}{N(Format.Ms(l.P99Ms))}{N(Format.Ms(l.MaxMs))}{N(Format.Ms(l.MeanMs))}</tr>");
        }

        html.AppendLine("</table><p>Latencies are of successful calls; in the open model they count from each call's scheduled start.</p>");
        html.AppendLine("<h2>Latency over time</h2>");
        html.AppendLine(SvgChart.Latency(report.Timeline, report.WarmupSeconds));
        html.AppendLine(SvgChart.Throughput(report.Timeline, report.WarmupSeconds));

        html.AppendLine("<h2>Failures by status</h2>");
        if (report.Errors.Count == 0)
        {
            html.AppendLine("<p>None.</p>");
        }
        else
        {
            html.AppendLine("<table><tr><th>Step</th><th>Status</th><th>Count</th><th>Share</th><th>First message</th></tr>");
            foreach (var error in report.Errors.OrderByDescending(e => e.Count))
            {
                html.AppendLine(inv, $"<tr><td>{E(error.Step)}</td><td>{E(error.Status)}</td>{N(Format.Count(error.Count))}{N(Format.Percent(error.Count, report.All.Count))}<td>{E(error.Sample)}</td></tr>");
            }

            html.AppendLine("</table>");
        }

        if (report.Abandoned > 0)
        {
            html.AppendLine(inv, $"<p>{report.Abandoned} call(s) were still running at the end of the drain and were cancelled.</p>");
        }

        html.AppendLine("</body></html>");
        return html.ToString();
    }

    private static void Row(StringBuilder html, string name, string value) =>
        html.AppendLine(CultureInfo.InvariantCulture, $"<tr><th>{E(name)}</th><td>{E(value)}</td></tr>");

    private static string N(string value) => $"<td class=\"n\">{E(value)}</td>";

    private static string E(string? text) => WebUtility.HtmlEncode(text ?? "");
}
