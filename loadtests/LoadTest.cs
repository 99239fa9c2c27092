using FnPipeline.LoadTests.Baselines;
using FnPipeline.LoadTests.Cli;
using FnPipeline.LoadTests.Load;
using FnPipeline.LoadTests.Reports;
using FnPipeline.LoadTests.Scenarios;
using FnPipeline.LoadTests.Stats;
using FnPipeline.LoadTests.Targets;

namespace FnPipeline.LoadTests;

/// <summary>
/// One run: the scenario through the executor, then (unless <c>--no-baseline</c>) the same scenario and load the bare
/// way in the same process, then the reports with the ratios between the two.
/// </summary>
internal static class LoadTest
{
    /// <summary>
    /// The hot pool drops a connection 1 s idle at its handler's next scavenge (at most 1 s later); the bare clients
    /// connect to the same sockets after that (the test function serves one connection at a time).
    /// </summary>
    private static readonly TimeSpan ExecutorConnectionIdle = TimeSpan.FromSeconds(3);

    /// <summary>Exit codes: 0 the run completed, 1 no executor call succeeded, 2 the executor could not start.</summary>
    public static async Task<int> RunAsync(RunSettings settings, CancellationToken cancellationToken)
    {
        if (settings.Scenario == Faults.FaultStormReport.Name)
        {
            return await Faults.FaultStorm.RunAsync(settings, cancellationToken);
        }

        if (settings.Scenario == Scaling.ScalingSweep.Name)
        {
            return await Scaling.ScalingSweep.RunAsync(settings, cancellationToken);
        }

        if (settings.Scenario == Floor.FloorScenario.Name)
        {
            return await Floor.FloorScenario.RunAsync(settings, cancellationToken);
        }

        if (settings.Scenario == Fleet.FleetNodesRun.Name)
        {
            return await Fleet.FleetNodesRun.RunAsync(settings, cancellationToken);
        }

        var output = Console.Out;
        ExecutorTarget target;
        try
        {
            // Hot containers must outlive the baseline pass that reuses them.
            target = ExecutorTarget.Create(settings.Driver, ((settings.Warmup ?? TimeSpan.FromSeconds(15)) + settings.Duration + settings.CallTimeout) * 2 + TimeSpan.FromSeconds(60));
            using var startTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            startTimeout.CancelAfter(TimeSpan.FromSeconds(60));
            await target.Executor.StartAsync(startTimeout.Token);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            await Console.Error.WriteLineAsync($"The executor could not start on the {settings.Driver} driver: {ex.GetType().Name}: {ex.Message}");
            await Console.Error.WriteLineAsync("Start the engine with scripts/docker-up.sh and build the images with scripts/build-images.sh, or run with --driver fake.");
            return 2;
        }

        await using (target)
        {
            var calls = new EchoCalls(target.Executor, settings.PayloadBytes);
            var scenario = CreateScenario(settings, calls, calls);
            var simulation = settings.Simulation(scenario.DefaultModel, scenario.DefaultLevel, scenario.DefaultWarmup);
            var started = DateTimeOffset.UtcNow;
            output.WriteLine($"{scenario.Name} on the {Name(settings.Driver)} driver: {simulation}, warm-up {simulation.Warmup.TotalSeconds:0.#} s, measured {simulation.Duration.TotalSeconds:0.#} s");
            var executorRun = await RunPassAsync(scenario, calls.Name, simulation, settings, output, cancellationToken);

            var (baselineRun, note) = await RunBaselineAsync(settings, target, calls, simulation, output, cancellationToken);
            var report = new RunReport(
                scenario.Name,
                scenario.Description,
                Name(settings.Driver),
                simulation.Model == LoadModel.ConstantRate ? "open" : "closed",
                simulation.Model == LoadModel.ConstantRate ? simulation.Rate : null,
                simulation.Model == LoadModel.ConstantConcurrency ? simulation.Concurrency : null,
                simulation.Warmup.TotalSeconds,
                simulation.Duration.TotalSeconds,
                started,
                "loadtests " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1)),
                MachineInfo.Current,
                executorRun,
                baselineRun,
                note,
                ComparisonLine.Between(executorRun, baselineRun));
            var files = ReportWriter.Write(report, settings.OutputDirectory);
            ConsoleSummary.Print(report, output);
            foreach (var file in files)
            {
                output.WriteLine($"report: {file}");
            }

            return executorRun.All.Ok > 0 ? 0 : 1;
        }
    }

    private static async Task<(PhaseRun? Run, string Note)> RunBaselineAsync(
        RunSettings settings,
        ExecutorTarget target,
        EchoCalls calls,
        LoadSimulation simulation,
        TextWriter output,
        CancellationToken cancellationToken)
    {
        if (!settings.Baseline)
        {
            return (null, "skipped (--no-baseline)");
        }

        if (settings.Scenario == "burst")
        {
            return (null, "none for burst: starting a hot container the bare way is what the executor's launch does; compare hot-echo instead");
        }

        if (cancellationToken.IsCancellationRequested)
        {
            return (null, "skipped (run stopped)");
        }

        if (settings.Driver == DriverKind.Fake)
        {
            var direct = new FakeDirectPaths();
            output.WriteLine($"baseline: {direct.Name}");
            return (await RunPassAsync(CreateScenario(settings, direct, calls), direct.Name, simulation, settings, output, cancellationToken), direct.Name);
        }

        var sockets = settings.Scenario == "cold-echo" ? [] : target.HotSockets();
        if (settings.Scenario != "cold-echo" && sockets.Count == 0)
        {
            return (null, "none: the executor left no hot container socket to reuse");
        }

        await Task.Delay(ExecutorConnectionIdle, cancellationToken);
        using var bare = new BareDockerPaths(calls.Payload, sockets);
        var note = sockets.Count > 0 ? $"{bare.Name}; {sockets.Count} hot container(s)" : bare.Name;
        output.WriteLine($"baseline: {note}");
        return (await RunPassAsync(CreateScenario(settings, bare, calls), bare.Name, simulation, settings, output, cancellationToken), note);
    }

    internal static async Task<PhaseRun> RunPassAsync(
        IScenario scenario,
        string paths,
        LoadSimulation simulation,
        RunSettings settings,
        TextWriter output,
        CancellationToken cancellationToken)
    {
        var limits = new RunLimits(settings.CallTimeout, settings.CallTimeout + TimeSpan.FromSeconds(5), settings.MaxInFlight);
        var stats = new RunStats();
        var runner = new LoadRunner(scenario, simulation, limits, stats);
        var progress = new ProgressPrinter(runner, stats, output);
        var run = runner.RunAsync(cancellationToken);
        await progress.RunUntilAsync(run);
        await run;

        var measured = simulation.Duration.TotalSeconds;
        var steps = stats.Snapshot();
        var all = StepSnapshot.Merge("all", steps);
        var lines = new List<StepReport> { StepReport.From(all, measured) };
        if (steps.Count > 1)
        {
            lines.AddRange(steps.Select(s => StepReport.From(s, measured)));
        }

        return new PhaseRun(paths, runner.Elapsed.TotalSeconds, new PhaseCounts(stats.WarmupOk, stats.WarmupFailed), lines, all.Errors, runner.Abandoned, progress.Timeline);
    }

    private static IScenario CreateScenario(RunSettings settings, IEchoPaths paths, EchoCalls executorCalls) => settings.Scenario switch
    {
        "cold-echo" => new ColdEchoScenario(paths),
        "hot-echo" => new HotEchoScenario(paths),
        "mixed" => new MixedScenario(paths, settings.HotShare),
        "burst" => new BurstScenario(executorCalls),
        _ => throw new ArgumentException($"Unknown scenario '{settings.Scenario}'.", nameof(settings)),
    };

    private static string Name(DriverKind driver) => driver == DriverKind.Fake ? "fake" : "docker";
}
