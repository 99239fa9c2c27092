using FnPipeline.LoadTests.Reports;
using FnPipeline.LoadTests.Stats;

namespace FnPipeline.LoadTests.Faults;

/// <summary>Everything the storm's reports say; serialised as is to <c>report.json</c>.</summary>
/// <param name="Passed">Every check passed (exit code 0).</param>
/// <param name="Outcomes">Per kind and lane: calls, expected vs actual statuses, latency, hangs.</param>
/// <param name="IntervalSeconds">Width of a <see cref="Timeline"/> interval.</param>
/// <param name="Timeline">Calls answered per interval, by status.</param>
/// <param name="Calls">Every call, in sequence order.</param>
internal sealed record FaultStormReport(
    string Scenario,
    string Description,
    DateTimeOffset StartedAt,
    string CommandLine,
    MachineInfo Machine,
    string InstanceId,
    int PlannedCalls,
    int Concurrency,
    double StartBoundSeconds,
    double SlackSeconds,
    double ElapsedSeconds,
    bool Passed,
    IReadOnlyList<CheckResult> Checks,
    IReadOnlyList<OutcomeLine> Outcomes,
    IReadOnlyDictionary<string, long> StatusTotals,
    double IntervalSeconds,
    IReadOnlyList<StatusInterval> Timeline,
    IReadOnlyList<CallRecord> Calls)
{
    public const string Name = "faults";

    public const string Summary = "A bounded storm on the real engine, cold and hot: plain echoes, calls past their timeout, non-zero exits, "
        + "OOM kills, client disconnects and container kills; then checks that nothing is left and no call outlived its bound.";

    /// <summary>At most this many timeline rows: the interval widens for long runs.</summary>
    private const int MaxIntervals = 120;

    public static FaultStormReport Create(
        DateTimeOffset startedAt,
        string commandLine,
        string instanceId,
        StormSettings settings,
        double elapsedSeconds,
        IReadOnlyList<CheckResult> checks,
        IReadOnlyList<CallRecord> records)
    {
        var interval = Math.Max(1, Math.Ceiling(elapsedSeconds / MaxIntervals));
        var totals = records.GroupBy(r => r.Status)
            .OrderByDescending(g => g.Count()).ThenBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => (long)g.Count(), StringComparer.Ordinal);
        var timeline = records.GroupBy(r => Math.Floor(r.EndedSeconds / interval))
            .OrderBy(g => g.Key)
            .Select(g => new StatusInterval(g.Key * interval, g.GroupBy(r => r.Status).ToDictionary(s => s.Key, s => (long)s.Count(), StringComparer.Ordinal)))
            .ToList();
        var outcomes = records.GroupBy(r => (r.Kind, r.Lane))
            .OrderBy(g => g.Key.Kind).ThenBy(g => g.Key.Lane)
            .Select(g => OutcomeLine.From(g.Key.Kind, g.Key.Lane, g.ToList()))
            .ToList();
        return new FaultStormReport(
            Name,
            Summary,
            startedAt,
            commandLine,
            MachineInfo.Current,
            instanceId,
            settings.Calls,
            settings.Concurrency,
            settings.StartBound.TotalSeconds,
            settings.Slack.TotalSeconds,
            elapsedSeconds,
            checks.All(c => c.Passed),
            checks,
            outcomes,
            totals,
            interval,
            timeline,
            records);
    }
}

/// <summary>One kind of call on one lane: what it should end in, what it ended in, and how long it took.</summary>
internal sealed record OutcomeLine(
    FaultKind Kind,
    Lane Lane,
    long Calls,
    long AsExpected,
    long Unexpected,
    long Hangs,
    IReadOnlyList<string> Expected,
    IReadOnlyDictionary<string, long> Actual,
    LatencyReport Latency,
    double BoundMs)
{
    public static OutcomeLine From(FaultKind kind, Lane lane, IReadOnlyList<CallRecord> records)
    {
        var histogram = StepStats.NewHistogram();
        foreach (var record in records)
        {
            histogram.RecordValue(StepStats.ToMicros(TimeSpan.FromMilliseconds(record.LatencyMs)));
        }

        return new OutcomeLine(
            kind,
            lane,
            records.Count,
            records.Count(r => r.AsExpected),
            records.Count(r => !r.AsExpected),
            records.Count(r => r.Hung),
            FaultExpectations.Statuses(kind, lane),
            records.GroupBy(r => r.Status).OrderByDescending(g => g.Count()).ToDictionary(g => g.Key, g => (long)g.Count(), StringComparer.Ordinal),
            LatencyReport.From(histogram),
            records.Max(r => r.BoundMs));
    }
}

/// <summary>Calls answered in one interval of the run (from <see cref="StartSecond"/>), by status.</summary>
internal sealed record StatusInterval(double StartSecond, IReadOnlyDictionary<string, long> Counts);
