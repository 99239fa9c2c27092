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
    public static readonly string[] Scenarios = ["cold-echo", "hot-echo", "mixed", "burst"];

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

        return problems;
    }

    /// <summary>The simulation: the model the command line names, else the scenario's default.</summary>
    public LoadSimulation Simulation(LoadModel defaultModel, double defaultLevel, TimeSpan defaultWarmup) =>
        Rate is { } rate ? new LoadSimulation(LoadModel.ConstantRate, rate, Warmup ?? defaultWarmup, Duration)
        : Concurrency is { } concurrency ? new LoadSimulation(LoadModel.ConstantConcurrency, concurrency, Warmup ?? defaultWarmup, Duration)
        : new LoadSimulation(defaultModel, defaultLevel, Warmup ?? defaultWarmup, Duration);
}
