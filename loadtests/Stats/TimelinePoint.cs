namespace FnPipeline.LoadTests.Stats;

/// <summary>One second of a run: calls that completed in it and their latency percentiles (milliseconds).</summary>
internal sealed record TimelinePoint(
    double Second,
    string Phase,
    long Completed,
    long Errors,
    double P50Ms,
    double P99Ms,
    double MaxMs,
    long InFlight);
