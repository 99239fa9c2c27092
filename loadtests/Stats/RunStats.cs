using System.Collections.Concurrent;
using FnPipeline.LoadTests.Load;
using HdrHistogram;

namespace FnPipeline.LoadTests.Stats;

/// <summary>Which part of a run a call started in.</summary>
internal enum Phase
{
    Warmup,
    Measure,
}

/// <summary>
/// Everything a run records: per-step stats of the measured phase, warm-up counts, and a one-second interval histogram
/// that the progress line and the latency-over-time timeline read.
/// </summary>
internal sealed class RunStats
{
    private readonly ConcurrentDictionary<string, StepStats> _steps = new(StringComparer.Ordinal);
    private readonly Lock _intervalGate = new();
    private LongHistogram _interval = StepStats.NewHistogram();
    private long _intervalErrors;
    private long _warmupOk;
    private long _warmupFailed;
    private long _measuredCalls;
    private long _measuredErrors;

    public long WarmupOk => Volatile.Read(ref _warmupOk);

    public long WarmupFailed => Volatile.Read(ref _warmupFailed);

    public long MeasuredCalls => Volatile.Read(ref _measuredCalls);

    public long MeasuredErrors => Volatile.Read(ref _measuredErrors);

    public void Record(Phase phase, TimeSpan latency, Outcome outcome)
    {
        lock (_intervalGate)
        {
            _interval.RecordValue(StepStats.ToMicros(latency));
            if (!outcome.Ok)
            {
                _intervalErrors++;
            }
        }

        if (phase == Phase.Warmup)
        {
            Interlocked.Increment(ref outcome.Ok ? ref _warmupOk : ref _warmupFailed);
            return;
        }

        Interlocked.Increment(ref _measuredCalls);
        if (!outcome.Ok)
        {
            Interlocked.Increment(ref _measuredErrors);
        }

        Step(outcome.Step).Record(latency, outcome);
    }

    public void RecordNotStarted(Phase phase, Outcome outcome)
    {
        lock (_intervalGate)
        {
            _intervalErrors++;
        }

        if (phase == Phase.Warmup)
        {
            Interlocked.Increment(ref _warmupFailed);
            return;
        }

        Interlocked.Increment(ref _measuredCalls);
        Interlocked.Increment(ref _measuredErrors);
        Step(outcome.Step).RecordNotStarted(outcome);
    }

    /// <summary>Takes the calls completed since the last take (the progress line's second).</summary>
    public (HistogramBase Latencies, long Errors) TakeInterval()
    {
        lock (_intervalGate)
        {
            var taken = _interval;
            var errors = _intervalErrors;
            _interval = StepStats.NewHistogram();
            _intervalErrors = 0;
            return (taken, errors);
        }
    }

    public IReadOnlyList<StepSnapshot> Snapshot() => _steps.Values.Select(s => s.Snapshot()).OrderBy(s => s.Name, StringComparer.Ordinal).ToList();

    private StepStats Step(string name) => _steps.GetOrAdd(name, static n => new StepStats(n));
}
