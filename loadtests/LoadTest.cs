using FnPipeline.LoadTests.Cli;
using FnPipeline.LoadTests.Load;
using FnPipeline.LoadTests.Reports;
using FnPipeline.LoadTests.Scenarios;
using FnPipeline.LoadTests.Stats;
using FnPipeline.LoadTests.Targets;

namespace FnPipeline.LoadTests;

/// <summary>One run: executor up, scenario under its load simulation with a progress line, reports written.</summary>
internal static class LoadTest
{
    /// <summary>Exit codes: 0 the run completed, 1 no call succeeded, 2 the executor could not start.</summary>
    public static async Task<int> RunAsync(RunSettings settings, CancellationToken cancellationToken)
    {
        var output = Console.Out;
        ExecutorTarget target;
        try
        {
            target = ExecutorTarget.Create(settings.Driver);
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
            var scenario = CreateScenario(settings, new EchoCalls(target.Executor, settings.PayloadBytes));
            var simulation = settings.Simulation(scenario.DefaultModel, scenario.DefaultLevel);
            var limits = new RunLimits(settings.CallTimeout, settings.CallTimeout + TimeSpan.FromSeconds(5), settings.MaxInFlight);
            var stats = new RunStats();
            var runner = new LoadRunner(scenario, simulation, limits, stats);
            var progress = new ProgressPrinter(runner, stats, output);
            output.WriteLine($"{scenario.Name} on the {settings.Driver.ToString().ToLowerInvariant()} driver: {simulation}, warm-up {simulation.Warmup.TotalSeconds:0.#} s, measured {simulation.Duration.TotalSeconds:0.#} s");
            var started = DateTimeOffset.UtcNow;
            var run = runner.RunAsync(cancellationToken);
            await progress.RunUntilAsync(run);
            await run;

            var report = BuildReport(settings, scenario, simulation, stats, runner, progress, started);
            var files = ReportWriter.Write(report, settings.OutputDirectory);
            PrintSummary(report, output);
            foreach (var file in files)
            {
                output.WriteLine($"report: {file}");
            }

            return report.All.Ok > 0 ? 0 : 1;
        }
    }

    private static IScenario CreateScenario(RunSettings settings, EchoCalls calls) => settings.Scenario switch
    {
        "cold-echo" => new ColdEchoScenario(calls),
        "hot-echo" => new HotEchoScenario(calls),
        "mixed" => new MixedScenario(calls, settings.HotShare),
        "burst" => new BurstScenario(calls),
        _ => throw new ArgumentException($"Unknown scenario '{settings.Scenario}'.", nameof(settings)),
    };

    private static RunReport BuildReport(
        RunSettings settings,
        IScenario scenario,
        LoadSimulation simulation,
        RunStats stats,
        LoadRunner runner,
        ProgressPrinter progress,
        DateTimeOffset started)
    {
        var measured = simulation.Duration.TotalSeconds;
        var steps = stats.Snapshot();
        var all = StepSnapshot.Merge("all", steps);
        var lines = new List<StepReport> { StepReport.From(all, measured) };
        if (steps.Count > 1)
        {
            lines.AddRange(steps.Select(s => StepReport.From(s, measured)));
        }

        return new RunReport(
            scenario.Name,
            scenario.Description,
            settings.Driver.ToString().ToLowerInvariant(),
            simulation.Model == LoadModel.ConstantRate ? "open" : "closed",
            simulation.Model == LoadModel.ConstantRate ? simulation.Rate : null,
            simulation.Model == LoadModel.ConstantConcurrency ? simulation.Concurrency : null,
            simulation.Warmup.TotalSeconds,
            measured,
            runner.Elapsed.TotalSeconds,
            started,
            "loadtests " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1)),
            MachineInfo.Current,
            new PhaseCounts(stats.WarmupOk, stats.WarmupFailed),
            lines,
            all.Errors,
            runner.Abandoned,
            progress.Timeline);
    }

    private static void PrintSummary(RunReport report, TextWriter output)
    {
        output.WriteLine();
        output.WriteLine($"{"step",-14} {"calls",9} {"ok",9} {"failed",7} {"ok/s",9} {"p50 ms",9} {"p75 ms",9} {"p95 ms",9} {"p99 ms",9} {"max ms",9}");
        foreach (var s in report.Steps)
        {
            var l = s.Latency;
            output.WriteLine($"{s.Name,-14} {Format.Count(s.Count),9} {Format.Count(s.Ok),9} {Format.Count(s.Failed),7} {Format.Rate(s.OkPerSecond),9} {Format.Ms(l.P50Ms),9} {Format.Ms(l.P75Ms),9} {Format.Ms(l.P95Ms),9} {Format.Ms(l.P99Ms),9} {Format.Ms(l.MaxMs),9}");
        }

        foreach (var error in report.Errors.OrderByDescending(e => e.Count))
        {
            output.WriteLine($"  failed: {error.Count} × [{error.Step}] {error.Status}: {error.Sample}");
        }

        output.WriteLine();
    }
}
