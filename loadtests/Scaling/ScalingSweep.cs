using System.Globalization;
using System.Text;
using System.Text.Json;
using FnPipeline.HotPool;
using FnPipeline.LoadTests.Cli;
using FnPipeline.LoadTests.Load;
using FnPipeline.LoadTests.Reports;
using FnPipeline.LoadTests.Scenarios;
using FnPipeline.LoadTests.Targets;
using FnPipeline.Testing.Engine;

namespace FnPipeline.LoadTests.Scaling;

/// <summary>
/// <c>--scenario hot-scale</c>: the hot-echo call at each concurrency of <c>--levels</c> (closed model), each level on
/// a fresh executor so that its containers are counted from zero on the engine; reports containers used, throughput
/// and p50/p99 per level against the targets of hot scaling (docs/loadtests.md).
/// </summary>
internal static class ScalingSweep
{
    public const string Name = "hot-scale";
    public static readonly TimeSpan DefaultWarmup = TimeSpan.FromSeconds(3);
    private static readonly JsonSerializerOptions Json = new() { WriteIndented = true, PropertyNamingPolicy = JsonNamingPolicy.CamelCase };

    public static async Task<int> RunAsync(RunSettings settings, CancellationToken cancellationToken)
    {
        var output = Console.Out;
        var started = DateTimeOffset.UtcNow;
        var warmup = settings.Warmup ?? DefaultWarmup;
        using var docker = EngineFixture.CreateClient();
        var levels = new List<ScalingLevel>();
        var maxStarts = 0;
        foreach (var callers in settings.Levels)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                break;
            }

            ExecutorTarget target;
            try
            {
                // Containers must outlive the level (no idle removal while it is counted).
                target = ExecutorTarget.Create(DriverKind.Docker, warmup + settings.Duration + settings.CallTimeout + TimeSpan.FromSeconds(60));
                using var startTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                startTimeout.CancelAfter(TimeSpan.FromSeconds(60));
                await target.Executor.StartAsync(startTimeout.Token);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                await Console.Error.WriteLineAsync($"The executor could not start: {ex.GetType().Name}: {ex.Message}");
                await Console.Error.WriteLineAsync("Start the engine with scripts/docker-up.sh and build the images with scripts/build-images.sh.");
                return 2;
            }

            await using (target)
            {
                var options = target.Options;
                var cap = options.Hot.MaxContainersPerFunction
                    ?? MachineCapacity.Current.ContainersPerFunction(options.DefaultMemoryMB, options.Hot.MaxContainers);
                maxStarts = options.Hot.MaxConcurrentStarts ?? MachineCapacity.Current.ConcurrentStarts;
                var calls = new EchoCalls(target.Executor, settings.PayloadBytes);
                var simulation = new LoadSimulation(LoadModel.ConstantConcurrency, callers, warmup, settings.Duration);
                output.WriteLine($"{Name} c={callers}: {simulation}, warm-up {warmup.TotalSeconds:0.#} s, measured {settings.Duration.TotalSeconds:0.#} s, cap {cap}");
                await using var counter = ContainerCounter.Start(docker, $"fnpipeline.instance={target.Executor.InstanceId}");
                var run = await LoadTest.RunPassAsync(new HotEchoScenario(calls), calls.Name, simulation, settings, output, cancellationToken);
                var counted = await counter.StopAsync(CancellationToken.None);
                var all = run.All;
                levels.Add(new ScalingLevel(callers, cap, counted.Used, counted.MaxAtOnce, all.Count, all.Failed, all.OkPerSecond, all.Latency.P50Ms, all.Latency.P99Ms));
            }
        }

        var report = new ScalingReport(
            started,
            "loadtests " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1)),
            MachineInfo.Current,
            warmup.TotalSeconds,
            settings.Duration.TotalSeconds,
            maxStarts,
            levels,
            ScalingReport.Judge(levels));
        var markdown = Markdown(report);
        Directory.CreateDirectory(settings.OutputDirectory);
        var files = new[] { Path.Combine(settings.OutputDirectory, "report.md"), Path.Combine(settings.OutputDirectory, "report.json") };
        await File.WriteAllTextAsync(files[0], markdown, CancellationToken.None);
        await File.WriteAllTextAsync(files[1], JsonSerializer.Serialize(report, Json), CancellationToken.None);
        output.WriteLine();
        output.WriteLine(markdown);
        foreach (var file in files)
        {
            output.WriteLine($"report: {file}");
        }

        return levels.Count > 0 && levels.All(l => l.Calls > l.Failed) ? 0 : 1;
    }

    /// <summary>The table and the targets, as docs/performance.md quotes them.</summary>
    public static string Markdown(ScalingReport report)
    {
        var md = new StringBuilder();
        var inv = CultureInfo.InvariantCulture;
        md.AppendLine(inv, $"# {Name}: hot-echo at {string.Join(", ", report.Levels.Select(l => l.Callers))} callers");
        md.AppendLine();
        md.AppendLine(inv, $"{report.StartedAt:yyyy-MM-dd HH:mm} UTC, {report.Machine.Host}: {report.Machine.ProcessorCount} cores, {report.Machine.Runtime}; " +
            $"each level on a fresh executor, warm-up {report.WarmupSeconds:0.#} s, measured {report.DurationSeconds:0.#} s; " +
            $"launches in flight at most {report.MaxConcurrentStarts}. `{report.CommandLine}`");
        md.AppendLine();
        md.AppendLine("| Callers | Cap | Containers used | Most at once | Calls | Failed | OK/s | p50 ms | p99 ms |");
        md.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var l in report.Levels)
        {
            md.AppendLine(inv, $"| {l.Callers} | {l.Cap} | {l.ContainersUsed} | {l.MaxContainersAtOnce} | {Format.Count(l.Calls)} | {Format.Count(l.Failed)} | {Format.Rate(l.OkPerSecond)} | {Format.Ms(l.P50Ms)} | {Format.Ms(l.P99Ms)} |");
        }

        md.AppendLine();
        md.AppendLine("| Target | Measured | Met |");
        md.AppendLine("|---|---|---|");
        foreach (var t in report.Targets)
        {
            md.AppendLine(inv, $"| {t.Name} | {t.Measured} | {(t.Met ? "met" : "not met")} |");
        }

        return md.ToString();
    }
}
