using System.Diagnostics;
using System.Globalization;
using System.Text;
using FnPipeline.Benchmarks.Infrastructure;

namespace FnPipeline.Benchmarks.Macro;

/// <summary>A new hot container's first call through the executor vs the bare create → start → socket ready → request.</summary>
internal static partial class PairedComparison
{
    private const int HotStartRounds = 10;
    private const int HotStartWarmupRounds = 1;

    private static string Median<T>(List<T> rounds, Func<T, TimeSpan> step)
    {
        var sorted = rounds.Select(r => step(r).TotalMilliseconds).Order().ToList();
        return sorted.Count == 0 ? "?" : sorted[(sorted.Count - 1) / 2].ToString("0.0", CultureInfo.InvariantCulture);
    }

    /// <summary><c>--hot-start</c>: this comparison alone, into <c>bench/results/hot-start-report.md</c>.</summary>
    public static int RunHotStart(TextWriter output)
    {
        var probe = EngineProbe.Run(output);
        var report = new StringBuilder();
        report.AppendLine("# New hot container, first call (interleaved)");
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, load average {LoadAverage()} at start. Target: the executor's median <= the bare median (ratio <= 1.00).");
        report.AppendLine();
        var ok = Section(report, output, "New hot container, first call (testfn, 1 KB)", probe.ReasonFor(typeof(HotCallBenchmark)), HotStartAsync);
        var path = Path.Combine(BenchPaths.ResultsDirectory, "hot-start-report.md");
        Directory.CreateDirectory(BenchPaths.ResultsDirectory);
        File.WriteAllText(path, report.ToString());
        output.WriteLine(report.ToString());
        output.WriteLine($"// hot-start report: {path}");
        return ok ? 0 : 1;
    }

    /// <summary>
    /// Each round: the executor's first call of a function it has not seen (its environment differs, so the hot pool
    /// launches a container: ensure image, create, attach and start, socket wait by the readiness watch, request), and
    /// <see cref="BareHotStart"/>. The bare container is removed after its side is timed; the executor's idle out.
    /// </summary>
    private static async Task<Sides> HotStartAsync(TextWriter output)
    {
        var payload = BenchEngine.Payload(1024);
        using var client = BenchEngine.CreateDockerClient();
        var bare = new BareHotStart(client, BenchEngine.BenchLabel);
        var executor = BenchEngine.CreateExecutor("pairedstart", o => o.Hot.IdleTimeout = TimeSpan.FromSeconds(2));
        try
        {
            var bareSteps = new List<BareStartSteps>();
            var executorSteps = new List<StageTimings>();
            var sides = new Sides("ms", ["bare create → start → socket ready → request", "FnExecutor, new hot container"]);
            for (var round = 0; round < HotStartRounds + HotStartWarmupRounds; round++)
            {
                var times = new double[2];
                Func<Task>? removeBare = null;
                BareStartSteps bareRound = default;
                StageTimings? executorRound = null;
                for (var k = 0; k < 2; k++)
                {
                    var side = (round + k) % 2;
                    var started = Stopwatch.GetTimestamp();
                    if (side == 0)
                    {
                        (removeBare, bareRound) = await bare.FirstCallAsync(payload);
                    }
                    else
                    {
                        var call = BenchEngine.HotCall(payload) with
                        {
                            Environment = new Dictionary<string, string> { ["BENCH_START_ROUND"] = round.ToString(CultureInfo.InvariantCulture) },
                            IdleTimeout = TimeSpan.FromSeconds(2),
                        };
                        using var result = await executor.InvokeAsync(call);
                        BenchEngine.EnsureEcho(result, payload.Length);
                        executorRound = result.Timings;
                    }

                    times[side] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
                }

                await removeBare!();
                output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"// round {round}: bare {times[0]:0.0} ms, executor {times[1]:0.0} ms"));
                if (round >= HotStartWarmupRounds)
                {
                    sides.Add(times);
                    bareSteps.Add(bareRound);
                    executorSteps.Add(executorRound!);
                }
            }

            // The steps side by side (medians): the socket wait is the function's own start when it is event-driven.
            sides.Note = string.Create(CultureInfo.InvariantCulture, $"""
                Steps (medians, ms) — bare: create {Median(bareSteps, s => s.Create)}, start {Median(bareSteps, s => s.Start)}, socket wait (inotify) {Median(bareSteps, s => s.SocketWait)}, request {Median(bareSteps, s => s.Request)}; executor: image {Median(executorSteps, s => s.Image)}, create {Median(executorSteps, s => s.Create)}, attach + start {Median(executorSteps, s => s.AttachStart)}, socket wait (readiness watch) {Median(executorSteps, s => s.SocketWait)}, request {Median(executorSteps, s => s.Run)}.
                """);
            return sides;
        }
        finally
        {
            await BenchEngine.DisposeExecutorAsync(executor);
        }
    }
}

