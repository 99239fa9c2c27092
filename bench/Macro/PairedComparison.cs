using System.Diagnostics;
using System.Globalization;
using System.Text;
using Docker.DotNet;
using FnPipeline.Benchmarks.Infrastructure;

namespace FnPipeline.Benchmarks.Macro;

/// <summary>
/// Interleaved A/B comparisons, run after the BenchmarkDotNet suite (or alone with <c>--paired</c>). BenchmarkDotNet
/// measures a baseline and its rivals one after the other, so on a shared machine they meet different moments of the
/// machine's load; here the sides alternate call by call (order rotated every round), so both see the same load and
/// the ratio of medians is far steadier. Writes <c>bench/results/paired-report.md</c>.
/// </summary>
internal static partial class PairedComparison
{
    private const int ColdRounds = 15;
    private const int ColdWarmupRounds = 2;
    private const int ThroughputRounds = 4;
    private const int ThroughputWarmupRounds = 1;
    private const int HotRounds = 3000;
    private const int HotWarmupRounds = 300;
    private const int PreForkSize = 8;
    private const int PreForkCallers = 8;

    public static int Run(EngineProbe? probe, TextWriter output)
    {
        probe ??= EngineProbe.Run(output);
        var report = new StringBuilder();
        report.AppendLine("# Paired comparisons (interleaved)");
        report.AppendLine();
        report.AppendLine(CultureInfo.InvariantCulture, $"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}, load average {LoadAverage()} at start.");
        report.AppendLine();
        report.AppendLine("Each round makes one call on every side, in an order rotated every round; warm-up rounds are dropped. Ratio of medians: side median / baseline median. Median of ratios: the median over rounds of side / baseline within the round.");
        report.AppendLine();
        var failed = false;
        failed |= !Section(report, output, "Cold call (busybox `cat`, 1 KB)", probe.ReasonFor(typeof(ColdCallBenchmark)), ColdAsync);
        foreach (var callers in new[] { 4, 8 })
        {
            failed |= !Section(report, output, $"Cold throughput, {callers} callers (batches of {ColdThroughputBenchmark.CallsPerBatch} calls)", probe.ReasonFor(typeof(ColdThroughputBenchmark)), o => ColdThroughputAsync(callers));
        }

        failed |= !Section(report, output, $"Cold call with the pre-fork pool ({PreForkSize} placeholders)", probe.ReasonFor(typeof(ColdCallBenchmark)), o => PreForkAsync(callers: 1));
        failed |= !Section(report, output, $"Cold throughput with the pre-fork pool, {PreForkCallers} callers (batches of {ColdThroughputBenchmark.CallsPerBatch} calls)", probe.ReasonFor(typeof(ColdThroughputBenchmark)), o => PreForkAsync(PreForkCallers));
        failed |= !Section(report, output, "Hot call (testfn http-stream echo, 1 KB)", probe.ReasonFor(typeof(HotCallBenchmark)), HotAsync);
        failed |= !Section(report, output, "New hot container, first call (testfn, 1 KB)", probe.ReasonFor(typeof(HotCallBenchmark)), HotStartAsync);
        var path = Path.Combine(BenchPaths.ResultsDirectory, "paired-report.md");
        Directory.CreateDirectory(BenchPaths.ResultsDirectory);
        File.WriteAllText(path, report.ToString());
        output.WriteLine(report.ToString());
        output.WriteLine($"// paired report: {path}");
        return failed ? 1 : 0;
    }

    private static bool Section(StringBuilder report, TextWriter output, string title, string? skipReason, Func<TextWriter, Task<Sides>> measure)
    {
        report.AppendLine(CultureInfo.InvariantCulture, $"## {title}");
        report.AppendLine();
        if (skipReason is not null)
        {
            output.WriteLine($"// SKIPPED paired {title}: {skipReason}");
            report.AppendLine(CultureInfo.InvariantCulture, $"Skipped: {skipReason}");
            report.AppendLine();
            return true;
        }

        try
        {
            output.WriteLine($"// Paired: {title}...");
            measure(output).GetAwaiter().GetResult().AppendTo(report);
            return true;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            output.WriteLine($"// FAILED paired {title}: {ex}");
            report.AppendLine(CultureInfo.InvariantCulture, $"Failed: {ex.GetType().Name}: {ex.Message}");
            report.AppendLine();
            return false;
        }
    }

    /// <summary>(a) bare Docker.DotNet [baseline], the executor, (b) <c>docker run</c>: the containers of <see cref="ColdCallBenchmark"/>.</summary>
    private static async Task<Sides> ColdAsync(TextWriter output)
    {
        var payload = BenchEngine.Payload(1024);
        using var client = BenchEngine.CreateDockerClient();
        var bare = new BareDockerCall(client, BenchEngine.BenchLabel);
        var executor = BenchEngine.CreateExecutor("paired");
        try
        {
            var call = BenchEngine.ColdCall(payload);
            var sides = new Sides("ms", ["(a) bare Docker.DotNet", "FnExecutor", "(b) docker run via CliWrap"]);
            Func<Task>[] calls =
            [
                () => bare.EchoAsync(payload),
                async () =>
                {
                    using var result = await executor.InvokeAsync(call);
                    BenchEngine.EnsureEcho(result, payload.Length);
                },
                () => BareDockerCall.DockerRunEchoAsync(BenchEngine.Endpoint, BenchEngine.BenchLabel, payload),
            ];
            await RoundsAsync(sides, calls, ColdRounds, ColdWarmupRounds, 1e3);
            return sides;
        }
        finally
        {
            await BenchEngine.DisposeExecutorAsync(executor);
        }
    }

    /// <summary>Batches of N concurrent callers, bare [baseline] and executor alternating; figures are per call (batch time / calls).</summary>
    private static async Task<Sides> ColdThroughputAsync(int callers)
    {
        var payload = BenchEngine.Payload(1024);
        const int batch = ColdThroughputBenchmark.CallsPerBatch;
        using var client = BenchEngine.CreateDockerClient();
        var bare = new BareDockerCall(client, BenchEngine.BenchLabel);
        var executor = BenchEngine.CreateExecutor("pairedtp");
        try
        {
            var call = BenchEngine.ColdCall(payload);
            var sides = new Sides("ms per call", ["(a) bare Docker.DotNet", "FnExecutor"], showRate: true);
            Func<Task>[] calls =
            [
                () => BenchEngine.RunCallersAsync(callers, batch / callers, () => bare.EchoAsync(payload)),
                () => BenchEngine.RunCallersAsync(callers, batch / callers, async () =>
                {
                    using var result = await executor.InvokeAsync(call);
                    BenchEngine.EnsureEcho(result, payload.Length);
                }),
            ];
            await RoundsAsync(sides, calls, ThroughputRounds, ThroughputWarmupRounds, 1e3 / batch);
            return sides;
        }
        finally
        {
            await BenchEngine.DisposeExecutorAsync(executor);
        }
    }

    /// <summary>
    /// Bare Docker.DotNet [baseline], the executor with its defaults (<c>--network none</c>) and the executor with the
    /// pre-fork pool on (cold containers join a running placeholder's network namespace), interleaved. One caller:
    /// a call's latency; more: batches of concurrent calls, figures per call.
    /// </summary>
    private static async Task<Sides> PreForkAsync(int callers)
    {
        var payload = BenchEngine.Payload(1024);
        using var client = BenchEngine.CreateDockerClient();
        var bare = new BareDockerCall(client, BenchEngine.BenchLabel);
        var plain = BenchEngine.CreateExecutor("pfplain");
        var preFork = BenchEngine.CreateExecutor("pfpool", o => o.PreForkPool.Size = PreForkSize);
        try
        {
            var call = BenchEngine.ColdCall(payload);
            await preFork.StartAsync();
            Func<FnExecutor, Func<Task>> echo = executor => async () =>
            {
                using var result = await executor.InvokeAsync(call);
                BenchEngine.EnsureEcho(result, payload.Length);
            };
            Func<Task>[] single = [() => bare.EchoAsync(payload), echo(plain), echo(preFork)];
            var names = new[] { "(a) bare Docker.DotNet", "FnExecutor (network none)", "FnExecutor + pre-fork pool" };
            if (callers == 1)
            {
                var sides = new Sides("ms", names);
                await RoundsAsync(sides, single, ColdRounds, ColdWarmupRounds, 1e3);
                return sides;
            }

            const int batch = ColdThroughputBenchmark.CallsPerBatch;
            var batches = new Sides("ms per call", names, showRate: true);
            Func<Task>[] calls = [.. single.Select(one => (Func<Task>)(() => BenchEngine.RunCallersAsync(callers, batch / callers, one)))];
            await RoundsAsync(batches, calls, ThroughputRounds, ThroughputWarmupRounds, 1e3 / batch);
            return batches;
        }
        finally
        {
            await BenchEngine.DisposeExecutorAsync(preFork);
            await BenchEngine.DisposeExecutorAsync(plain);
        }
    }

    /// <summary>
    /// A plain <see cref="HttpClient"/> [baseline] vs the executor, interleaved. The test function serves one connection
    /// at a time and the executor keeps its connection to the container it uses, so the bare client talks to the
    /// function's other container (same image, same settings, started by the same pool).
    /// </summary>
    private static async Task<Sides> HotAsync(TextWriter output)
    {
        var payload = BenchEngine.Payload(1024);
        string socketBase = null!;
        var executor = BenchEngine.CreateExecutor("pairedhot", o =>
        {
            socketBase = o.Hot.SocketBaseDirectory!;
            o.Hot.IdleTimeout = TimeSpan.FromMinutes(10);
        });
        try
        {
            var call = BenchEngine.HotCall(payload);
            await HotSockets.WarmAsync(executor, call, containers: 2);
            string used;
            using (var result = await executor.InvokeAsync(call))
            {
                BenchEngine.EnsureEcho(result, payload.Length);
                used = await SocketDirectoryOfAsync(result.ContainerId!);
            }

            var other = HotSockets.Find(socketBase).Single(s => !s.StartsWith(used + Path.DirectorySeparatorChar, StringComparison.Ordinal));
            await Task.Delay(HotSockets.ExecutorConnectionIdle);
            using var plain = UnixSocketHttp.CreatePlainClient(other);
            var sides = new Sides("µs", ["bare HttpClient (twin container)", "FnExecutor"]);
            Func<Task>[] calls =
            [
                () => BareHttpStreamCall.EchoAsync(plain, payload),
                async () =>
                {
                    using var result = await executor.InvokeAsync(call);
                    BenchEngine.EnsureEcho(result, payload.Length);
                },
            ];
            await RoundsAsync(sides, calls, HotRounds, HotWarmupRounds, 1e6);
            return sides;
        }
        finally
        {
            await BenchEngine.DisposeExecutorAsync(executor);
        }
    }

    private static async Task<string> SocketDirectoryOfAsync(string containerId)
    {
        using var client = BenchEngine.CreateDockerClient();
        var inspect = await client.Containers.InspectContainerAsync(containerId);
        return inspect.Mounts.Single(m => m.Destination == "/tmp/iofs").Source.TrimEnd('/');
    }

    private static async Task RoundsAsync(Sides sides, Func<Task>[] calls, int rounds, int warmupRounds, double unitsPerSecond)
    {
        for (var round = 0; round < rounds + warmupRounds; round++)
        {
            var times = new double[calls.Length];
            for (var k = 0; k < calls.Length; k++)
            {
                var side = (round + k) % calls.Length;
                var started = Stopwatch.GetTimestamp();
                await calls[side]();
                times[side] = Stopwatch.GetElapsedTime(started).TotalSeconds * unitsPerSecond;
            }

            if (round >= warmupRounds)
            {
                sides.Add(times);
            }
        }
    }

    private static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Split(' ')[0];
        }
        catch (IOException)
        {
            return "?";
        }
    }

    /// <summary>Per-side samples of the rounds; the first side is the baseline.</summary>
    private sealed class Sides(string unit, string[] names, bool showRate = false)
    {
        private readonly List<double[]> _rounds = [];

        public void Add(double[] round) => _rounds.Add(round);

        /// <summary>A line printed under the table.</summary>
        public string? Note { get; set; }

        public void AppendTo(StringBuilder report)
        {
            var inv = CultureInfo.InvariantCulture;
            report.AppendLine(inv, $"{_rounds.Count} rounds.");
            report.AppendLine();
            report.AppendLine(inv, $"| Side | Median {unit} | p10 {unit} | p90 {unit} | Ratio of medians | Median of ratios |{(showRate ? " Calls/s (median) |" : "")}");
            report.AppendLine(showRate ? "|---|---:|---:|---:|---:|---:|---:|" : "|---|---:|---:|---:|---:|---:|");
            var baselineMedian = Percentile(_rounds.Select(r => r[0]), 50);
            for (var side = 0; side < names.Length; side++)
            {
                var values = _rounds.Select(r => r[side]).ToList();
                var median = Percentile(values, 50);
                var pairedRatio = Percentile(_rounds.Select(r => r[side] / r[0]), 50);
                var name = side == 0 ? names[side] + " [baseline]" : names[side];
                var rate = showRate ? string.Create(inv, $" {1000 / median:0.00} |") : "";
                report.AppendLine(inv, $"| {name} | {median:0.0} | {Percentile(values, 10):0.0} | {Percentile(values, 90):0.0} | {median / baselineMedian:0.00} | {pairedRatio:0.00} |{rate}");
            }

            report.AppendLine();
            if (Note is not null)
            {
                report.AppendLine(Note);
                report.AppendLine();
            }
        }

        private static double Percentile(IEnumerable<double> values, double percentile)
        {
            var sorted = values.Order().ToList();
            var rank = Math.Clamp((int)Math.Ceiling(percentile / 100 * sorted.Count) - 1, 0, sorted.Count - 1);
            return sorted[rank];
        }
    }
}
