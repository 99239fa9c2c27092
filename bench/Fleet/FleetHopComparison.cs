using System.Diagnostics;
using System.Globalization;
using System.Text;
using FnPipeline.Benchmarks.Infrastructure;
using FnPipeline.Benchmarks.Macro;
using FnPipeline.Fleet;
using FnPipeline.Fleet.Client;
using FnPipeline.Fleet.Node;
using FnPipeline.Testing.Fleet;

namespace FnPipeline.Benchmarks.Fleet;

/// <summary>
/// The NATS hop, measured (<c>-- --fleet</c>; needs scripts/fleet-up.sh): one hot call at a time (testfn http-stream
/// echo, 1 KB) on the node's own <see cref="FnExecutor"/> [baseline], and the same call through the fleet: a
/// <see cref="FleetExecutor"/> → NATS → a <see cref="FleetNode"/> on that executor → the same hot container. Both the
/// client and the node live in this process (so allocations count both ends of the hop); the node is connected to n1,
/// one client to n1 (same server) and one to n2 (one route more). A fourth side is the floor: a bare NATS.Net
/// request-reply echo of the same payload through n1 (<see cref="NatsEchoFloor"/>), what NATS alone costs here; a fifth
/// goes through n1 to a node on the same executor that answers "accepted" only after 20 ms (<c>AcceptedAfter</c>, opt-in). Sides
/// alternate call by call (order rotated every round), so they meet the same machine load. Target: the hop adds under
/// 0.5 ms at the median. Writes <c>bench/results/fleet-hop-report.md</c>.
/// </summary>
internal static class FleetHopComparison
{
    private const int Rounds = 3000;
    private const int WarmupRounds = 300;
    private const int AllocationCalls = 1000;
    private const double TargetAddedMedianMs = 0.5;

    public static int Run(TextWriter output) => RunAsync(output).GetAwaiter().GetResult();

    private static async Task<int> RunAsync(TextWriter output)
    {
        var node = FleetFixture.Nodes[0];
        var fleetName = $"benchhop{Random.Shared.Next(100_000, 999_999)}";
        var executor = BenchEngine.CreateExecutor("fleethop", o =>
        {
            o.DockerEndpoint = node.Endpoint.ToString();
            o.Hot.IdleTimeout = TimeSpan.FromMinutes(10);
        });
        try
        {
            await executor.StartAsync();
            await using var fleetNode = new FleetNode(executor, Options(FleetFixture.Servers[0].ClientUrl, fleetName), new FleetNodeOptions
            {
                NodeId = "bench-node1",
                HotIdleTimeout = TimeSpan.FromMinutes(10),
                EngineEndpoint = node.Endpoint.ToString(),
            });
            await fleetNode.StartAsync(CancellationToken.None);

            // The same node with the opt-in late acknowledgement: calls that end within 20 ms get their outcome alone.
            await using var lateAckNode = new FleetNode(executor, Options(FleetFixture.Servers[0].ClientUrl, fleetName + "e"), new FleetNodeOptions
            {
                NodeId = "bench-node1-late-ack",
                HotIdleTimeout = TimeSpan.FromMinutes(10),
                EngineEndpoint = node.Endpoint.ToString(),
                AcceptedAfter = TimeSpan.FromMilliseconds(20),
            });
            await lateAckNode.StartAsync(CancellationToken.None);
            await using var lateAckClient = new FleetExecutor(Options(FleetFixture.Servers[0].ClientUrl, fleetName + "e"));
            await lateAckClient.StartAsync();
            await using var sameServer = new FleetExecutor(Options(FleetFixture.Servers[0].ClientUrl, fleetName));
            await using var viaRoute = new FleetExecutor(Options(FleetFixture.Servers[1].ClientUrl, fleetName));
            await sameServer.StartAsync();
            await viaRoute.StartAsync();
            await using var floor = await NatsEchoFloor.StartAsync(FleetFixture.Servers[0].ClientUrl, FleetFixture.Servers[0].ClientUrl, fleetName);

            var payload = BenchEngine.Payload(1024);
            var call = BenchEngine.HotCall(payload);
            string[] names =
            [
                "FnExecutor in process (the node's)", "FleetExecutor → n1 → node (same server)", "FleetExecutor → n2 → route → n1 → node",
                "bare NATS.Net request-reply echo via n1 (no container) [floor]",
                "FleetExecutor → n1 → node answering 'accepted' after 20 ms (AcceptedAfter, opt-in)",
            ];
            Func<Task>[] sides =
            [
                () => CallAsync(executor, call, payload.Length),
                () => CallAsync(sameServer, call, payload.Length),
                () => CallAsync(viaRoute, call, payload.Length),
                () => floor.EchoAsync(payload),
                () => CallAsync(lateAckClient, call, payload.Length),
            ];

            // The first call starts the hot container on node1 and makes the function hot on the fleet node.
            foreach (var side in sides)
            {
                await side();
            }

            var loadAtStart = LoadAverage();
            output.WriteLine($"// fleet hop: {Rounds} rounds (+{WarmupRounds} warm-up) of {sides.Length} sides on {node.Name}, fleet '{fleetName}'...");
            var samples = await RoundsAsync(sides);
            output.WriteLine($"// fleet hop: allocations, {AllocationCalls} calls per side...");
            var allocated = new double[sides.Length];
            for (var side = 0; side < sides.Length; side++)
            {
                allocated[side] = await AllocatedPerCallAsync(sides[side]);
            }

            var report = Report(names, samples, allocated, fleetNode.NodeId, loadAtStart);
            var path = Path.Combine(BenchPaths.ResultsDirectory, "fleet-hop-report.md");
            Directory.CreateDirectory(BenchPaths.ResultsDirectory);
            await File.WriteAllTextAsync(path, report);
            output.WriteLine(report);
            output.WriteLine($"// fleet hop report: {path}");
            return 0;
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            output.WriteLine($"// FAILED fleet hop: {ex}");
            output.WriteLine($"// The fleet must be up: {FleetFixture.UpCommand}");
            return 1;
        }
        finally
        {
            await BenchEngine.DisposeExecutorAsync(executor);
        }
    }

    private static FleetOptions Options(string url, string fleet) => new() { Url = url, Fleet = fleet };

    private static async Task CallAsync(IFnExecutor executor, FunctionCall call, int expected)
    {
        using var result = await executor.InvokeAsync(call);
        BenchEngine.EnsureEcho(result, expected);
    }

    /// <summary>Per round, the time of each side's call in ms; warm-up rounds dropped.</summary>
    private static async Task<List<double[]>> RoundsAsync(Func<Task>[] sides)
    {
        var rounds = new List<double[]>(Rounds);
        for (var round = 0; round < Rounds + WarmupRounds; round++)
        {
            var times = new double[sides.Length];
            for (var k = 0; k < sides.Length; k++)
            {
                var side = (round + k) % sides.Length;
                var started = Stopwatch.GetTimestamp();
                await sides[side]();
                times[side] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            }

            if (round >= WarmupRounds)
            {
                rounds.Add(times);
            }
        }

        return rounds;
    }

    /// <summary>Bytes allocated in the whole process per call (client and node ends, NATS client included).</summary>
    private static async Task<double> AllocatedPerCallAsync(Func<Task> side)
    {
        for (var i = 0; i < 50; i++)
        {
            await side();
        }

        var before = GC.GetTotalAllocatedBytes(precise: true);
        for (var i = 0; i < AllocationCalls; i++)
        {
            await side();
        }

        return (GC.GetTotalAllocatedBytes(precise: true) - before) / (double)AllocationCalls;
    }

    private static string Report(string[] names, List<double[]> rounds, double[] allocated, string nodeId, string loadAtStart)
    {
        const int Floor = 3;
        var inv = CultureInfo.InvariantCulture;
        var report = new StringBuilder();
        report.AppendLine("# The NATS hop: a hot call through the fleet vs the node's executor in process, and the bare NATS round trip");
        report.AppendLine();
        report.AppendLine(inv, $"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}, load average {loadAtStart} at the start, {LoadAverage()} at the end.");
        report.AppendLine();
        report.AppendLine(inv, $"testfn http-stream echo, 1 KB, one call at a time, one hot container on node1's engine; node `{nodeId}` on n1. The floor side is a bare NATS.Net request-reply of the same 1 KB (a reply header, no container, no FnPipeline code) through n1. {rounds.Count} interleaved rounds (order rotated every round, {WarmupRounds} warm-up rounds dropped). Added = the side's time minus the baseline's in the same round. Allocated = bytes allocated in the process per call (both ends of the hop), over {AllocationCalls} calls.");
        report.AppendLine();
        report.AppendLine("| Side | p50 ms | p90 ms | p99 ms | Added p50 ms | Added p99 ms | Allocated per call |");
        report.AppendLine("|---|---:|---:|---:|---:|---:|---:|");
        for (var side = 0; side < names.Length; side++)
        {
            var values = rounds.Select(r => r[side]).ToList();
            var added = rounds.Select(r => r[side] - r[0]).ToList();
            var isAdded = side != 0 && side != Floor;
            var addedText = isAdded ? string.Create(inv, $"{Percentile(added, 50):0.000}") : "–";
            var added99 = isAdded ? string.Create(inv, $"{Percentile(added, 99):0.000}") : "–";
            report.AppendLine(inv, $"| {names[side]}{(side == 0 ? " [baseline]" : "")} | {Percentile(values, 50):0.000} | {Percentile(values, 90):0.000} | {Percentile(values, 99):0.000} | {addedText} | {added99} | {allocated[side] / 1024:0.00} KB |");
        }

        report.AppendLine();
        var hop = Percentile(rounds.Select(r => r[1] - r[0]).ToList(), 50);
        var floor = Percentile(rounds.Select(r => r[Floor]).ToList(), 50);
        report.AppendLine(inv, $"NATS hop (same server), added p50: {hop:0.000} ms; target < {TargetAddedMedianMs} ms: {(hop < TargetAddedMedianMs ? "met" : "NOT met")}.");
        report.AppendLine(inv, $"Bare NATS round trip (floor) p50: {floor:0.000} ms ({floor / TargetAddedMedianMs:P0} of the target); the hop's own cost beyond it: {hop - floor:0.000} ms at the median.");
        report.AppendLine();
        return report.ToString();
    }

    private static double Percentile(IReadOnlyCollection<double> values, double percentile)
    {
        var sorted = values.Order().ToList();
        var rank = Math.Clamp((int)Math.Ceiling(percentile / 100 * sorted.Count) - 1, 0, sorted.Count - 1);
        return sorted[rank];
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
}
