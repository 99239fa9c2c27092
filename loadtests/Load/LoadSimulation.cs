namespace FnPipeline.LoadTests.Load;

/// <summary>How load is applied (NBomber's two families).</summary>
internal enum LoadModel
{
    /// <summary>Closed model: a constant number of callers, each starting its next call when the last one ends.</summary>
    ConstantConcurrency,

    /// <summary>Open model: calls start at a constant rate whatever the system's latency (latency is measured from the scheduled start).</summary>
    ConstantRate,
}

/// <summary>A load simulation: a model, its level, a warm-up (measured, not reported) and a bounded measured duration.</summary>
internal sealed record LoadSimulation(LoadModel Model, double Level, TimeSpan Warmup, TimeSpan Duration)
{
    /// <summary>Longest measured duration a run accepts, so that every run stops by itself in bounded time.</summary>
    public static readonly TimeSpan MaxDuration = TimeSpan.FromHours(1);

    public TimeSpan Total => Warmup + Duration;

    public int Concurrency => Model == LoadModel.ConstantConcurrency ? (int)Level : 0;

    public double Rate => Model == LoadModel.ConstantRate ? Level : 0;

    public override string ToString() => Model == LoadModel.ConstantConcurrency
        ? $"closed model: {Concurrency} concurrent callers"
        : $"open model: {Rate:0.##} calls/s";
}
