using System.Globalization;
using System.Text;
using FnPipeline.LoadTests.Reports;

namespace FnPipeline.LoadTests.Floor;

/// <summary>The floor comparison as markdown: both sides' throughput and latency, the ratio and the target.</summary>
internal sealed record FloorReport(
    DateTimeOffset Started,
    int Callers,
    int PayloadBytes,
    TimeSpan Warmup,
    TimeSpan Slice,
    int Rounds,
    string LoadBefore,
    string LoadAfter,
    FloorSide Floor,
    FloorSide Gateway)
{
    public double Ratio => FloorScenario.Ratio([Floor, Gateway]);

    public bool TargetMet => Ratio >= FloorScenario.Target;

    public string ToMarkdown()
    {
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine("# Gateway vs HTTP floor");
        text.AppendLine();
        text.AppendLine(inv, $"{Started:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {MachineInfo.Current.Os}, {MachineInfo.Current.Runtime}; load average {LoadBefore} at start, {LoadAfter} at end.");
        text.AppendLine(inv, $"Closed model, {Callers} callers, {PayloadBytes}-byte POST, one HttpClient; warm-up {Warmup.TotalSeconds:0.#} s per side, then {Rounds} rounds of {Slice.TotalSeconds:0} s per side, alternating.");
        text.AppendLine();
        text.AppendLine("| Side | OK | Failed | OK/s | p50 ms | p99 ms | max ms |");
        text.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        foreach (var side in new[] { Floor, Gateway })
        {
            text.AppendLine(inv, $"| {side.Name} | {Format.Count(side.Ok)} | {Format.Count(side.Failed)} | {Format.Rate(side.OkPerSecond)} | {Format.Ms(side.PercentileMs(50))} | {Format.Ms(side.PercentileMs(99))} | {Format.Ms(side.MaxMs)} |");
        }

        text.AppendLine();
        text.AppendLine(inv, $"Gateway / floor throughput: **{Ratio:0.000}** ({Ratio * 100:0.0} %); target >= {FloorScenario.Target * 100:0} %: **{(TargetMet ? "met" : "not met")}**. p50 gateway / floor: {Divide(Gateway.PercentileMs(50), Floor.PercentileMs(50)):0.00}x, p99: {Divide(Gateway.PercentileMs(99), Floor.PercentileMs(99)):0.00}x.");
        foreach (var side in new[] { Floor, Gateway })
        {
            foreach (var (reason, count) in side.Failures)
            {
                text.AppendLine(inv, $"- {side.Name}: {count} failed: {reason}");
            }
        }

        return text.ToString();
    }

    private static double Divide(double a, double b) => b > 0 ? a / b : 0;
}
