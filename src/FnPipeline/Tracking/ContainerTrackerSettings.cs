namespace FnPipeline.Tracking;

/// <summary>How the removal queue works: its bound, the limit of one attempt, and the retry back-off.</summary>
/// <param name="MaxConcurrentRemovals">Removal requests to the engine at once (<see cref="FnPipelineOptions.MaxConcurrentRemovals"/>).</param>
/// <param name="AttemptTimeout">Longest one removal request may take before it counts as failed and is retried.</param>
/// <param name="FirstRetryDelay">Wait before the first retry; doubled after each failure.</param>
/// <param name="MaxRetryDelay">Cap of the doubling: an engine that comes back is noticed within this long.</param>
internal sealed record ContainerTrackerSettings(
    int MaxConcurrentRemovals,
    TimeSpan AttemptTimeout,
    TimeSpan FirstRetryDelay,
    TimeSpan MaxRetryDelay)
{
    public static readonly TimeSpan DefaultAttemptTimeout = TimeSpan.FromSeconds(30);

    public static readonly TimeSpan DefaultFirstRetryDelay = TimeSpan.FromMilliseconds(100);

    public static readonly TimeSpan DefaultMaxRetryDelay = TimeSpan.FromSeconds(5);

    public static ContainerTrackerSettings Default(int maxConcurrentRemovals) =>
        new(maxConcurrentRemovals, DefaultAttemptTimeout, DefaultFirstRetryDelay, DefaultMaxRetryDelay);
}
