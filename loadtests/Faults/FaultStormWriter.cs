using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using FnPipeline.LoadTests.Reports;

namespace FnPipeline.LoadTests.Faults;

/// <summary>Writes the storm's <c>report.md</c>, <c>report.json</c> and <c>report.html</c>, and its console summary.</summary>
internal static class FaultStormWriter
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter() },
    };

    public static IReadOnlyList<string> Write(FaultStormReport report, string directory)
    {
        Directory.CreateDirectory(directory);
        var files = new[]
        {
            (Path.Combine(directory, "report.md"), Markdown(report)),
            (Path.Combine(directory, "report.json"), JsonSerializer.Serialize(report, Json)),
            (Path.Combine(directory, "report.html"), Html(report)),
        };
        foreach (var (path, content) in files)
        {
            File.WriteAllText(path, content);
        }

        return files.Select(f => f.Item1).ToList();
    }

    public static void PrintSummary(FaultStormReport report, TextWriter output)
    {
        output.WriteLine();
        output.WriteLine($"{"kind",-12} {"lane",-5} {"calls",6} {"expected",9} {"other",6} {"hangs",6} {"p50 ms",9} {"p99 ms",9} {"max ms",9}  actual statuses");
        foreach (var o in report.Outcomes)
        {
            output.WriteLine($"{o.Kind,-12} {o.Lane,-5} {o.Calls,6} {o.AsExpected,9} {o.Unexpected,6} {o.Hangs,6} {Format.Ms(o.Latency.P50Ms),9} {Format.Ms(o.Latency.P99Ms),9} {Format.Ms(o.Latency.MaxMs),9}  {Statuses(o.Actual)}");
        }

        output.WriteLine();
        foreach (var check in report.Checks)
        {
            output.WriteLine($"{(check.Passed ? "PASS" : "FAIL")}  {check.Name}: {check.Detail}");
        }

        output.WriteLine(report.Passed ? "fault storm: all checks passed" : $"fault storm: {report.Checks.Count(c => !c.Passed)} check(s) FAILED");
    }

    private static string Markdown(FaultStormReport r)
    {
        var md = new StringBuilder();
        md.AppendLine("# Load test: faults");
        md.AppendLine();
        md.AppendLine(r.Description);
        md.AppendLine();
        md.AppendLine(Inv, $"**Verdict: {(r.Passed ? "all checks passed" : "FAILED")}**");
        md.AppendLine();
        md.AppendLine("| Setting | Value |");
        md.AppendLine("|---|---|");
        foreach (var (name, value) in Settings(r))
        {
            md.AppendLine($"| {name} | {value.Replace("|", "\\|", StringComparison.Ordinal)} |");
        }

        md.AppendLine();
        md.AppendLine("## Checks");
        md.AppendLine();
        md.AppendLine("| Check | Result | Detail |");
        md.AppendLine("|---|---|---|");
        foreach (var c in r.Checks)
        {
            md.AppendLine($"| {c.Name} | {(c.Passed ? "pass" : "**FAIL**")} | {c.Detail.Replace("|", "\\|", StringComparison.Ordinal)} |");
        }

        md.AppendLine();
        md.AppendLine("## Outcomes by kind: expected vs actual");
        md.AppendLine();
        md.AppendLine("| Kind | Lane | Calls | As expected | Other | Hangs | Expected | Actual | p50 ms | p99 ms | Max ms | Bound ms |");
        md.AppendLine("|---|---|---:|---:|---:|---:|---|---|---:|---:|---:|---:|");
        foreach (var o in r.Outcomes)
        {
            md.AppendLine(Inv, $"| {o.Kind} | {o.Lane} | {o.Calls} | {o.AsExpected} | {o.Unexpected} | {o.Hangs} | {string.Join(" or ", o.Expected)} | {Statuses(o.Actual)} | {Format.Ms(o.Latency.P50Ms)} | {Format.Ms(o.Latency.P99Ms)} | {Format.Ms(o.Latency.MaxMs)} | {Format.Ms(o.BoundMs)} |");
        }

        md.AppendLine();
        md.AppendLine("Latency: from each call's start to its answer, all calls (HdrHistogram). Bound: the call's worst case (its timeout + start bound + slack; for disconnects, the cancel time + slack; the largest of the kind's).");
        md.AppendLine();
        md.AppendLine(Inv, $"## Statuses over time ({r.IntervalSeconds:0.#} s intervals, by the time of the answer)");
        md.AppendLine();
        var statuses = r.StatusTotals.Keys.ToList();
        md.AppendLine("| From s | " + string.Join(" | ", statuses) + " |");
        md.AppendLine("|---:|" + string.Concat(statuses.Select(_ => "---:|")));
        foreach (var point in r.Timeline)
        {
            md.AppendLine(string.Create(Inv, $"| {point.StartSecond:0.#} | ") + string.Join(" | ", statuses.Select(s => point.Counts.GetValueOrDefault(s).ToString(Inv))) + " |");
        }

        md.AppendLine("| **all** | " + string.Join(" | ", statuses.Select(s => $"**{r.StatusTotals[s]}**")) + " |");
        md.AppendLine();
        var unexpected = r.Calls.Where(c => !c.AsExpected || c.Hung).Take(30).ToList();
        if (unexpected.Count > 0)
        {
            md.AppendLine("## Unexpected or late calls (first 30)");
            md.AppendLine();
            md.AppendLine("| # | Kind | Lane | Started s | Took ms | Bound ms | Status | Note |");
            md.AppendLine("|---:|---|---|---:|---:|---:|---|---|");
            foreach (var c in unexpected)
            {
                md.AppendLine(Inv, $"| {c.Sequence} | {c.Kind} | {c.Lane} | {c.StartedSeconds:0.0} | {c.LatencyMs:0} | {c.BoundMs:0} | {c.Status} | {(c.Note ?? "").Replace("|", "\\|", StringComparison.Ordinal).ReplaceLineEndings(" ")} |");
            }

            md.AppendLine();
        }

        return md.ToString();
    }

    private static string Html(FaultStormReport r)
    {
        var html = new StringBuilder();
        html.AppendLine("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Load test: faults</title>");
        html.AppendLine("<style>body{font-family:sans-serif;margin:2em;max-width:1100px}table{border-collapse:collapse;margin:1em 0}"
            + "th,td{border:1px solid #ccc;padding:4px 8px}td.n{text-align:right}th{background:#f4f4f4}svg{border:1px solid #ddd;margin:.5em 0}"
            + ".pass{color:#1b7e3c}.fail{color:#c0152f;font-weight:bold}</style></head><body>");
        html.AppendLine(Inv, $"<h1>Load test: faults</h1><p>{E(r.Description)}</p>");
        html.AppendLine(Inv, $"<p class=\"{(r.Passed ? "pass" : "fail")}\">Verdict: {(r.Passed ? "all checks passed" : "FAILED")}</p><table>");
        foreach (var (name, value) in Settings(r))
        {
            html.AppendLine(Inv, $"<tr><th>{E(name)}</th><td>{E(value)}</td></tr>");
        }

        html.AppendLine("</table><h2>Checks</h2><table><tr><th>Check</th><th>Result</th><th>Detail</th></tr>");
        foreach (var c in r.Checks)
        {
            html.AppendLine(Inv, $"<tr><td>{E(c.Name)}</td><td class=\"{(c.Passed ? "pass" : "fail")}\">{(c.Passed ? "pass" : "FAIL")}</td><td>{E(c.Detail)}</td></tr>");
        }

        html.AppendLine("</table><h2>Outcomes by kind: expected vs actual</h2><table><tr><th>Kind</th><th>Lane</th><th>Calls</th><th>As expected</th><th>Other</th>"
            + "<th>Hangs</th><th>Expected</th><th>Actual</th><th>p50 ms</th><th>p99 ms</th><th>Max ms</th><th>Bound ms</th></tr>");
        foreach (var o in r.Outcomes)
        {
            html.AppendLine(Inv, $"<tr><td>{o.Kind}</td><td>{o.Lane}</td>{N(o.Calls)}{N(o.AsExpected)}{N(o.Unexpected)}{N(o.Hangs)}<td>{E(string.Join(" or ", o.Expected))}</td>"
                + $"<td>{E(Statuses(o.Actual))}</td>{N(Format.Ms(o.Latency.P50Ms))}{N(Format.Ms(o.Latency.P99Ms))}{N(Format.Ms(o.Latency.MaxMs))}{N(Format.Ms(o.BoundMs))}</tr>");
        }

        html.AppendLine("</table><h2>Statuses over time</h2>");
        html.AppendLine(StatusChart.Render(r));
        html.AppendLine("</body></html>");
        return html.ToString();
    }

    private static IEnumerable<(string Name, string Value)> Settings(FaultStormReport r)
    {
        yield return ("Started", r.StartedAt.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", Inv));
        yield return ("Load", $"closed model, {r.Concurrency} concurrent callers, {r.PlannedCalls} calls (half cold, half hot)");
        yield return ("Bounds", string.Create(Inv, $"start bound {r.StartBoundSeconds:0.#} s, slack {r.SlackSeconds:0.#} s"));
        yield return ("Took", Format.Seconds(r.ElapsedSeconds));
        yield return ("Executor instance", r.InstanceId);
        yield return ("Machine", $"{r.Machine.Host}: {r.Machine.ProcessorCount} cores, {r.Machine.Os}, {r.Machine.Runtime}");
        yield return ("Command", r.CommandLine);
    }

    private static string Statuses(IReadOnlyDictionary<string, long> counts) => string.Join(", ", counts.Select(c => $"{c.Value} x {c.Key}"));

    private static string N(long value) => N(value.ToString(Inv));

    private static string N(string value) => $"<td class=\"n\">{E(value)}</td>";

    private static string E(string? text) => WebUtility.HtmlEncode(text ?? "");
}
