namespace FnPipeline.LoadTests.Scaling;

/// <summary>One concurrency level of the sweep: the callers, the function's cap, the containers used and the figures.</summary>
/// <param name="Callers">Concurrent callers (closed model).</param>
/// <param name="Cap">The function's container cap in this run (configured, or derived from the machine).</param>
/// <param name="ContainersUsed">Containers of the executor seen on the engine during the level (by its instance label).</param>
/// <param name="MaxContainersAtOnce">The most listed at once.</param>
internal sealed record ScalingLevel(
    int Callers,
    int Cap,
    int ContainersUsed,
    int MaxContainersAtOnce,
    long Calls,
    long Failed,
    double OkPerSecond,
    double P50Ms,
    double P99Ms);

/// <summary>One target of issue 11 item 2 and whether the sweep met it.</summary>
internal sealed record ScalingTarget(string Name, string Measured, bool Met);

/// <summary>The whole sweep, as report.json holds it.</summary>
internal sealed record ScalingReport(
    DateTimeOffset StartedAt,
    string CommandLine,
    Reports.MachineInfo Machine,
    double WarmupSeconds,
    double DurationSeconds,
    int MaxConcurrentStarts,
    IReadOnlyList<ScalingLevel> Levels,
    IReadOnlyList<ScalingTarget> Targets)
{
    /// <summary>The targets: containers ≤ callers and ≤ cap at every level; throughput at the top level ≥ 90 % of the
    /// best level; p99 at the top level ≤ 4 × p99 at 4 callers (when the sweep has both).</summary>
    public static IReadOnlyList<ScalingTarget> Judge(IReadOnlyList<ScalingLevel> levels)
    {
        var targets = new List<ScalingTarget>();
        foreach (var level in levels)
        {
            targets.Add(new ScalingTarget(
                $"c={level.Callers}: containers used <= callers and <= cap",
                $"{level.ContainersUsed} used (cap {level.Cap})",
                level.ContainersUsed <= level.Callers && level.ContainersUsed <= level.Cap));
        }

        if (levels.Count > 1)
        {
            var top = levels.MaxBy(l => l.Callers)!;
            var best = levels.MaxBy(l => l.OkPerSecond)!;
            var share = best.OkPerSecond > 0 ? top.OkPerSecond / best.OkPerSecond : 0;
            targets.Add(new ScalingTarget(
                $"throughput at c={top.Callers} >= 90 % of the best level",
                FormattableString.Invariant($"{top.OkPerSecond:N0}/s = {share:P0} of {best.OkPerSecond:N0}/s (c={best.Callers})"),
                share >= 0.9));
            if (levels.FirstOrDefault(l => l.Callers == 4) is { } four && top != four)
            {
                var ratio = four.P99Ms > 0 ? top.P99Ms / four.P99Ms : double.PositiveInfinity;
                targets.Add(new ScalingTarget(
                    $"p99 at c={top.Callers} <= 4 x p99 at c=4",
                    FormattableString.Invariant($"{top.P99Ms:0.00} ms = {ratio:0.0}x {four.P99Ms:0.00} ms"),
                    ratio <= 4));
            }
        }

        return targets;
    }
}
