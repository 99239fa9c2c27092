using FnPipeline.LoadTests.Load;
using FnPipeline.LoadTests.Targets;

namespace FnPipeline.LoadTests.Cli;

/// <summary>A run as the command line describes it.</summary>
internal sealed record RunSettings(
    string Scenario,
    double? Rate,
    int? Concurrency,
    TimeSpan? Warmup,
    TimeSpan Duration,
    DriverKind Driver,
    int PayloadBytes,
    TimeSpan CallTimeout,
    int MaxInFlight,
    double HotShare,
    bool Baseline,
    string OutputDirectory)
{
    public static readonly string[] Scenarios = ["cold-echo", "hot-echo", "mixed", "burst", "faults", "hot-scale", "floor", "fleet-nodes"];

    /// <summary>hot-scale: the concurrency levels of the sweep, one fresh executor each.</summary>
    public IReadOnlyList<int> Levels { get; init; } = [1, 4, 16, 64];

    /// <summary>faults: calls in all (the storm is bounded by calls, not by time).</summary>
    public int Calls { get; init; } = 200;

    /// <summary>faults: extra labels on every container (e.g. the test run's).</summary>
    public IReadOnlyDictionary<string, string> Labels { get; init; } = new Dictionary<string, string>();

    /// <summary>faults: time allowed for getting a call to a running function, part of each call's bound.</summary>
    public TimeSpan StartBound { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>faults: time allowed on top of a call's timeout and start bound before it counts as a hang.</summary>
    public TimeSpan Slack { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Every problem with the settings (empty when they are valid).</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Rate is not null && Concurrency is not null)
        {
            problems.Add("Give either --rate (open model) or --concurrency (closed model), not both.");
        }

        if (Rate is <= 0 || Concurrency is <= 0)
        {
            problems.Add("--rate and --concurrency must be positive.");
        }

        if (Duration <= TimeSpan.Zero || Duration > LoadSimulation.MaxDuration)
        {
            problems.Add($"--duration must be more than 0 and at most {LoadSimulation.MaxDuration.TotalMinutes:0} minutes.");
        }

        if (Warmup is { } warmup && (warmup < TimeSpan.Zero || warmup > LoadSimulation.MaxDuration))
        {
            problems.Add("--warmup must be between 0 and 60 minutes.");
        }

        if (CallTimeout <= TimeSpan.Zero)
        {
            problems.Add("--timeout must be positive.");
        }

        if (PayloadBytes < 0 || MaxInFlight <= 0)
        {
            problems.Add("--payload must be 0 or more and --max-in-flight positive.");
        }

        if (HotShare is < 0 or > 1)
        {
            problems.Add("--hot-share must be between 0 and 1.");
        }

        if (Scenario == "faults")
        {
            ValidateFaults(problems);
        }

        if (Scenario == "hot-scale")
        {
            ValidateSweep(problems);
        }

        return problems;
    }

    private void ValidateFaults(List<string> problems)
    {
        if (Rate is not null)
        {
            problems.Add("faults runs a closed model: give --concurrency (callers), not --rate.");
        }

        if (Driver != DriverKind.Docker)
        {
            problems.Add("faults needs the real engine (--driver docker): it kills containers and runs them out of memory.");
        }

        if (Calls is < 1 or > 100_000)
        {
            problems.Add("--calls must be between 1 and 100000.");
        }

        if (StartBound <= TimeSpan.Zero || Slack < TimeSpan.Zero)
        {
            problems.Add("--start-bound must be positive and --slack 0 or more.");
        }
    }

    private void ValidateSweep(List<string> problems)
    {
        if (Rate is not null || Concurrency is not null)
        {
            problems.Add("hot-scale sweeps closed-model concurrency levels: give --levels (e.g. 1,4,16,64), not --rate or --concurrency.");
        }

        if (Driver != DriverKind.Docker)
        {
            problems.Add("hot-scale counts containers on the engine: it needs --driver docker.");
        }

        if (Levels.Count == 0 || Levels.Any(l => l is < 1 or > 10_000))
        {
            problems.Add("--levels must list concurrency levels between 1 and 10000.");
        }
    }

    /// <summary>The simulation: the model the command line names, else the scenario's default.</summary>
    public LoadSimulation Simulation(LoadModel defaultModel, double defaultLevel, TimeSpan defaultWarmup) =>
        Rate is { } rate ? new LoadSimulation(LoadModel.ConstantRate, rate, Warmup ?? defaultWarmup, Duration)
        : Concurrency is { } concurrency ? new LoadSimulation(LoadModel.ConstantConcurrency, concurrency, Warmup ?? defaultWarmup, Duration)
        : new LoadSimulation(defaultModel, defaultLevel, Warmup ?? defaultWarmup, Duration);
}
