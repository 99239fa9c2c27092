using System.Globalization;
using System.Text;
using FnPipeline.Fleet;
using FnPipeline.Fleet.Client;
using FnPipeline.Fleet.Node;
using FnPipeline.LoadTests.Cli;
using FnPipeline.LoadTests.Load;
using FnPipeline.LoadTests.Reports;
using FnPipeline.LoadTests.Scenarios;
using FnPipeline.LoadTests.Stats;
using FnPipeline.Testing.Engine;
using FnPipeline.Testing.Fleet;

namespace FnPipeline.LoadTests.Fleet;

/// <summary>
/// fleet-nodes: the same closed load (hot testfn echo, <c>--concurrency</c> callers, default 12) through one
/// <see cref="FleetExecutor"/> on a fleet of 1, then 2, then 3 nodes (scripts/fleet-up.sh: node N runs on node engine
/// N and connects to NATS server nN), each node taking at most <see cref="NodeCapacity"/> calls at once, so one node
/// cannot take the whole load and more nodes add room. All nodes and the client run in this process on this 2-core
/// machine: the figures show how the fleet spreads calls and what it costs, not what 3 machines would do.
/// </summary>
internal static class FleetNodesRun
{
    public const string Name = "fleet-nodes";

    /// <summary>Most calls one node runs at once in this scenario.</summary>
    public const int NodeCapacity = 4;

    public static async Task<int> RunAsync(RunSettings settings, CancellationToken cancellationToken)
    {
        var output = Console.Out;
        var concurrency = settings.Concurrency ?? 12;
        var simulation = new LoadSimulation(LoadModel.ConstantConcurrency, concurrency, settings.Warmup ?? TimeSpan.FromSeconds(5), settings.Duration);
        var fleetName = $"load{Random.Shared.Next(100_000, 999_999)}";
        var payload = EchoCalls.CreatePayload(settings.PayloadBytes);
        var lines = new List<(int Nodes, StepReport Step, IReadOnlyList<int> Containers, IReadOnlyList<ErrorSnapshot> Errors, string Load)>();
        output.WriteLine($"{Name}: {concurrency} callers, nodes of {NodeCapacity} calls, warm-up {simulation.Warmup.TotalSeconds:0.#} s, measured {simulation.Duration.TotalSeconds:0.#} s per node count, fleet '{fleetName}'");
        try
        {
            for (var nodes = 1; nodes <= FleetFixture.Nodes.Count && !cancellationToken.IsCancellationRequested; nodes++)
            {
                lines.Add(await RunWithNodesAsync(nodes, fleetName, payload, simulation, settings, output, cancellationToken));
            }
        }
        catch (Exception ex) when (ex is FnEngineException or HttpRequestException or global::Docker.DotNet.DockerApiException or TimeoutException)
        {
            await Console.Error.WriteLineAsync($"{Name}: the fleet is not usable ({ex.GetType().Name}: {ex.Message}). Start it with '{FleetFixture.UpCommand}'.");
            return 2;
        }

        var report = Report(lines, concurrency, simulation);
        Directory.CreateDirectory(settings.OutputDirectory);
        var path = Path.Combine(settings.OutputDirectory, "fleet-nodes.md");
        await File.WriteAllTextAsync(path, report, cancellationToken);
        output.WriteLine(report);
        output.WriteLine($"report: {path}");
        return lines.Count > 0 && lines.All(l => l.Step.Ok > 0) ? 0 : 1;
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

    private static async Task<(int, StepReport, IReadOnlyList<int>, IReadOnlyList<ErrorSnapshot>, string)> RunWithNodesAsync(
        int count, string fleetName, byte[] payload, LoadSimulation simulation, RunSettings settings, TextWriter output, CancellationToken cancellationToken)
    {
        var executors = new List<(FnExecutor Executor, string Directory)>();
        var nodes = new List<FleetNode>();
        try
        {
            for (var i = 0; i < count; i++)
            {
                var engine = FleetFixture.Nodes[i];
                var directory = Directory.CreateTempSubdirectory("fnf-").FullName;
                var options = new FnPipelineOptions { DockerEndpoint = engine.Endpoint.ToString(), InstanceId = $"{fleetName}n{i + 1}c{count}" };
                options.Hot.SocketBaseDirectory = directory;
                options.Hot.IdleTimeout = TimeSpan.FromMinutes(5);
                var executor = FnExecutor.Create(options);
                executors.Add((executor, directory));
                await executor.StartAsync(cancellationToken);
                var node = new FleetNode(executor, new FleetOptions { Url = FleetFixture.Servers[i].ClientUrl, Fleet = fleetName }, new FleetNodeOptions
                {
                    NodeId = $"load-node{i + 1}",
                    MaxInFlight = NodeCapacity,
                    HotIdleTimeout = TimeSpan.FromMinutes(5),
                    EngineEndpoint = engine.Endpoint.ToString(),
                });
                nodes.Add(node);
                await node.StartAsync(cancellationToken);
            }

            await using var client = new FleetExecutor(new FleetOptions { Url = FleetFixture.NatsUrl, Fleet = fleetName });
            await client.StartAsync(cancellationToken);
            var scenario = new FleetEchoScenario(client, payload);
            var stats = new RunStats();
            var runner = new LoadRunner(scenario, simulation, new RunLimits(settings.CallTimeout, settings.CallTimeout + TimeSpan.FromSeconds(5), settings.MaxInFlight), stats);
            var progress = new ProgressPrinter(runner, stats, output);
            output.WriteLine($"{count} node(s):");
            var run = runner.RunAsync(cancellationToken);
            await progress.RunUntilAsync(run);
            await run;
            var all = StepSnapshot.Merge("all", stats.Snapshot());
            var containers = new List<int>();
            foreach (var (executor, _) in executors)
            {
                containers.Add(await ContainersOfAsync(executor.InstanceId, FleetFixture.Nodes[containers.Count]));
            }

            return (count, StepReport.From(all, simulation.Duration.TotalSeconds), containers, all.Errors, LoadAverage());
        }
        finally
        {
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }

            foreach (var (executor, directory) in executors)
            {
                await executor.DisposeAsync();
                try
                {
                    Directory.Delete(directory, recursive: true);
                }
                catch (IOException)
                {
                    // A directory the engine still holds for a moment; it is in the temp directory.
                }
            }
        }
    }

    private static async Task<int> ContainersOfAsync(string instanceId, FleetNodeEngine engine)
    {
        using var client = engine.CreateClient();
        return (await Containers.ListByLabelAsync(client, $"fnpipeline.instance={instanceId}")).Count;
    }

    private static string Report(IReadOnlyList<(int Nodes, StepReport Step, IReadOnlyList<int> Containers, IReadOnlyList<ErrorSnapshot> Errors, string Load)> lines, int concurrency, LoadSimulation simulation)
    {
        var inv = CultureInfo.InvariantCulture;
        var text = new StringBuilder();
        text.AppendLine("# fleet-nodes: one client, 1 / 2 / 3 nodes");
        text.AppendLine();
        text.AppendLine(inv, $"{DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC, {Environment.ProcessorCount} cores, {MachineInfo.Current.Os}, {MachineInfo.Current.Runtime}. Hot testfn echo, closed model, {concurrency} callers, nodes of {NodeCapacity} calls each, warm-up {simulation.Warmup.TotalSeconds:0.#} s, measured {simulation.Duration.TotalSeconds:0.#} s per line. Client and nodes in one process; every node's engine and every NATS server on the same 2 cores.");
        text.AppendLine();
        text.AppendLine("| Nodes | Calls ok | Failed | Calls/s | p50 ms | p95 ms | p99 ms | Hot containers per node | Load average at the end |");
        text.AppendLine("|---:|---:|---:|---:|---:|---:|---:|---|---:|");
        foreach (var (nodes, step, containers, _, load) in lines)
        {
            text.AppendLine(inv, $"| {nodes} | {step.Ok} | {step.Failed} | {step.OkPerSecond:0.0} | {step.Latency.P50Ms:0.00} | {step.Latency.P95Ms:0.00} | {step.Latency.P99Ms:0.00} | {string.Join(" / ", containers)} | {load} |");
        }

        foreach (var (nodes, _, _, errors, _) in lines.Where(l => l.Errors.Count > 0))
        {
            text.AppendLine();
            text.AppendLine(inv, $"Failures with {nodes} node(s): {string.Join("; ", errors.Select(e => $"{e.Status} ×{e.Count} (e.g. \"{e.Sample}\")"))}");
        }

        text.AppendLine();
        return text.ToString();
    }

    /// <summary>One hot echo through the fleet client.</summary>
    private sealed class FleetEchoScenario(FleetExecutor client, byte[] payload) : IScenario
    {
        public string Name => FleetNodesRun.Name;

        public string Description => "http-stream echo on the test function through a FleetExecutor and NATS to the nodes.";

        public LoadModel DefaultModel => LoadModel.ConstantConcurrency;

        public double DefaultLevel => 12;

        public TimeSpan DefaultWarmup => TimeSpan.FromSeconds(5);

        public async Task<Outcome> InvokeAsync(long sequence, CancellationToken cancellationToken)
        {
            var call = new FunctionCall
            {
                Image = TestImages.TestFunction,
                Format = FunctionFormat.HttpStream,
                Input = CallInput.FromBytes(payload),
                AppName = "loadtests",
                FunctionName = "fleet-echo",
            };
            using var result = await client.InvokeAsync(call, cancellationToken);
            var outcome = Outcome.FromResult("hot", result);
            return outcome.Ok && result.Output.Length != payload.Length
                ? new Outcome("hot", false, "wrong output", $"{result.Output.Length} bytes echoed, {payload.Length} sent")
                : outcome;
        }
    }
}
