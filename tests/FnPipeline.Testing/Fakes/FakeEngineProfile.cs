namespace FnPipeline.Testing.Fakes;

/// <summary>How much the fake engine keeps and how long its steps take.</summary>
internal sealed record FakeEngineProfile
{
    /// <summary>Tests: every event and container kept, removals through the tracked queue, steps instant.</summary>
    public static readonly FakeEngineProfile Test = new();

    /// <summary>
    /// Micro benchmarks: nothing recorded, steps complete synchronously, and a disposed handle is gone at once (no
    /// removal queue), so a measurement is the caller's own machinery.
    /// </summary>
    public static readonly FakeEngineProfile Lean = new() { Recording = false, TrackRemovals = false };

    /// <summary>Keep every event and created container (memory grows with the calls: off for long runs).</summary>
    public bool Recording { get; init; } = true;

    /// <summary>Track containers and remove them through the driver's removal queue, as the Docker driver does.</summary>
    public bool TrackRemovals { get; init; } = true;

    /// <summary>Removal attempts the queue runs at once.</summary>
    public int MaxConcurrentRemovals { get; init; } = 4;

    /// <summary>Simulated engine step durations; null: every step is instant.</summary>
    public FakeEngineTimes? Times { get; init; }
}

/// <summary>
/// Simulated engine step durations (load tests' <c>--driver fake</c>): each delay is the nominal time ± <see cref="Jitter"/>.
/// A default-format container's run takes <see cref="Run"/> unless its <see cref="FakeBehavior.RunTime"/> says otherwise.
/// </summary>
internal sealed record FakeEngineTimes
{
    public TimeSpan Create { get; init; }

    public TimeSpan Start { get; init; }

    public TimeSpan Run { get; init; }

    public TimeSpan Remove { get; init; }

    /// <summary>Relative spread of every delay: 0.2 makes a 10 ms step take 8 to 12 ms.</summary>
    public double Jitter { get; init; } = 0.2;

    /// <summary>The simulated engine's latency for one step (what the fake models, for benches and load tests; not a wait of a test).</summary>
    public Task DelayAsync(TimeSpan nominal, CancellationToken cancellationToken) =>
        nominal <= TimeSpan.Zero
            ? Task.CompletedTask
            : Task.Delay(nominal * (1 - Jitter + (2 * Jitter * Random.Shared.NextDouble())), cancellationToken);
}
