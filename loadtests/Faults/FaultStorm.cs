using FnPipeline.Docker;
using FnPipeline.LoadTests.Cli;
using FnPipeline.LoadTests.Scenarios;
using FnPipeline.LoadTests.Targets;

namespace FnPipeline.LoadTests.Faults;

/// <summary>
/// <c>--scenario faults</c>: the storm through one executor on the real engine, then the checks — slots and gauges
/// back to 0 while it runs, then, after its disposal, no container with its instance label and no socket directory.
/// Exit codes: 0 every check passed, 1 a check failed, 2 the executor could not start.
/// </summary>
internal static class FaultStorm
{
    /// <summary>Idle hot containers of the shared functions stay this long (kill-call functions: 2 s).</summary>
    private static readonly TimeSpan HotIdle = TimeSpan.FromSeconds(10);

    /// <summary>How long the executor may take to release its cold slots after the last answer (removal is asynchronous).</summary>
    private static readonly TimeSpan SlotWait = TimeSpan.FromSeconds(30);

    /// <summary>How long after its disposal the engine may still list a container of the executor.</summary>
    private static readonly TimeSpan LeftoverWait = TimeSpan.FromSeconds(15);

    public static async Task<int> RunAsync(RunSettings settings, CancellationToken cancellationToken)
    {
        var output = Console.Out;
        var storm = new StormSettings(settings.Calls, settings.Concurrency ?? DefaultConcurrency, settings.StartBound, settings.Slack);
        using var gauges = new GaugeListener();
        ExecutorTarget target;
        try
        {
            // The executor answers a call that cannot start within the storm's start bound with 504 StartTimeout, so a
            // slow start is an unexpected answer, never a hang.
            target = ExecutorTarget.Create(DriverKind.Docker, HotIdle, storm.StartBound);
            using var startTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            startTimeout.CancelAfter(TimeSpan.FromSeconds(60));
            await target.Executor.StartAsync(startTimeout.Token);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            await Console.Error.WriteLineAsync($"The executor could not start on the docker driver: {ex.GetType().Name}: {ex.Message}");
            await Console.Error.WriteLineAsync("Start the engine with scripts/docker-up.sh and build the images with scripts/build-images.sh.");
            return 2;
        }

        await using (target)
        {
            var executor = target.Executor;
            using var docker = DockerClientFactory.Create(target.Options);
            var calls = new FaultCalls(executor.InstanceId, settings.Labels, EchoCalls.CreatePayload(settings.PayloadBytes));
            var runner = new FaultStormRunner(executor, calls, new ContainerKiller(docker, executor.InstanceId), storm);
            var started = DateTimeOffset.UtcNow;
            output.WriteLine($"faults on the docker driver: {storm.Calls} calls, closed model with {storm.Concurrency} callers, start bound {storm.StartBound.TotalSeconds:0.#} s, slack {storm.Slack.TotalSeconds:0.#} s, executor {executor.InstanceId}");
            await runner.RunAsync(output, cancellationToken);
            var records = runner.Records;

            var checks = new List<CheckResult>(StormChecks.FromRecords(records, storm.Calls));
            if (runner.Unanswered.Count > 0)
            {
                // A call the run gave up on still holds what it held; give it the drain before judging leaks.
                output.WriteLine($"{runner.Unanswered.Count} call(s) never answered; the executor's disposal drains them");
            }

            output.WriteLine("checking what the executor holds after the calls...");
            checks.Add(await StormChecks.SlotsReleasedAsync(executor, gauges, SlotWait, CancellationToken.None));
            output.WriteLine("disposing the executor...");
            await executor.DisposeAsync();
            checks.Add(StormChecks.GaugesZero(gauges));
            checks.Add(await StormChecks.NoContainersAsync(docker, executor.InstanceId, LeftoverWait, CancellationToken.None));
            checks.Add(await StormChecks.NoSocketDirectoriesAsync(target.SocketDirectory, TimeSpan.FromSeconds(5), CancellationToken.None));

            var report = FaultStormReport.Create(
                started,
                "loadtests " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1)),
                executor.InstanceId,
                storm,
                runner.Elapsed.TotalSeconds,
                checks,
                records);
            var files = FaultStormWriter.Write(report, settings.OutputDirectory);
            FaultStormWriter.PrintSummary(report, output);
            foreach (var file in files)
            {
                output.WriteLine($"report: {file}");
            }

            return report.Passed ? 0 : 1;
        }
    }

    public const int DefaultConcurrency = 8;
}
