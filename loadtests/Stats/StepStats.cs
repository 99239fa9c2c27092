using HdrHistogram;
using FnPipeline.LoadTests.Load;

namespace FnPipeline.LoadTests.Stats;

/// <summary>
/// Counts and latency histograms (HdrHistogram, microseconds, 3 significant digits) of one step — a kind of call —
/// in the measured phase, plus the failures grouped by status.
/// </summary>
internal sealed class StepStats(string name)
{
    /// <summary>Largest latency a histogram holds: 10 minutes in microseconds.</summary>
    public const long HighestMicros = 600_000_000;

    private readonly Lock _gate = new();
    private readonly LongHistogram _ok = NewHistogram();
    private readonly LongHistogram _failed = NewHistogram();
    private readonly Dictionary<string, ErrorCount> _errors = new(StringComparer.Ordinal);

    public string Name { get; } = name;

    public static LongHistogram NewHistogram() => new(1, HighestMicros, 3);

    public static long ToMicros(TimeSpan latency) => Math.Clamp((long)latency.TotalMicroseconds, 1, HighestMicros);

    public void Record(TimeSpan latency, Outcome outcome)
    {
        lock (_gate)
        {
            if (outcome.Ok)
            {
                _ok.RecordValue(ToMicros(latency));
                return;
            }

            _failed.RecordValue(ToMicros(latency));
            CountError(outcome);
        }
    }

    /// <summary>A call that never started (open model past its in-flight cap): a failure without a latency.</summary>
    public void RecordNotStarted(Outcome outcome)
    {
        lock (_gate)
        {
            CountError(outcome);
            NotStarted++;
        }
    }

    public long NotStarted { get; private set; }

    /// <summary>A consistent copy for the report.</summary>
    public StepSnapshot Snapshot()
    {
        lock (_gate)
        {
            return new StepSnapshot(
                Name,
                _ok.Copy(),
                _failed.Copy(),
                NotStarted,
                _errors.Select(e => new ErrorSnapshot(Name, e.Key, e.Value.Count, e.Value.Sample)).ToList());
        }
    }

    private void CountError(Outcome outcome)
    {
        var current = _errors.GetValueOrDefault(outcome.Status);
        _errors[outcome.Status] = new ErrorCount(current.Count + 1, current.Sample ?? outcome.Message);
    }

    private readonly record struct ErrorCount(long Count, string? Sample);
}

/// <summary>One step's figures at the end of a run.</summary>
internal sealed record StepSnapshot(string Name, HistogramBase Ok, HistogramBase Failed, long NotStarted, IReadOnlyList<ErrorSnapshot> Errors)
{
    public long OkCount => Ok.TotalCount;

    public long FailCount => Failed.TotalCount + NotStarted;

    public long Count => OkCount + FailCount;

    /// <summary>Merges steps into the "all calls" line of the report.</summary>
    public static StepSnapshot Merge(string name, IReadOnlyList<StepSnapshot> steps)
    {
        var ok = StepStats.NewHistogram();
        var failed = StepStats.NewHistogram();
        foreach (var step in steps)
        {
            ok.Add(step.Ok);
            failed.Add(step.Failed);
        }

        return new StepSnapshot(name, ok, failed, steps.Sum(s => s.NotStarted), steps.SelectMany(s => s.Errors).ToList());
    }
}

/// <summary>Failures of one status in one step, with the first message seen.</summary>
internal sealed record ErrorSnapshot(string Step, string Status, long Count, string? Sample);
