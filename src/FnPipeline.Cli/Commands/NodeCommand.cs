using System.CommandLine;
using FnPipeline.Cli.Fleet;
using Microsoft.Extensions.Logging;

namespace FnPipeline.Cli.Commands;

/// <summary><c>fnpipe node</c>: one executor node of a fleet on NATS, next to this machine's Docker engine.</summary>
internal static class NodeCommand
{
    public static Command Create()
    {
        var nats = NatsCliOptions.ForFleetCommand();
        var functions = new Option<FileInfo?>("--functions", "-F")
        {
            Description = "Functions file (as serve's) naming the functions this node expects to serve: at start the node checks that each image is on its engine and warns of a missing one (its first call pulls it). Optional: a node runs any call of its fleet, since every call carries its whole definition.",
        };
        var nodeId = new Option<string?>("--node-id")
        {
            Description = "The node's id in the fleet: letters, digits, '-', '_', at most 64. Default: the host name and 6 random hex digits.",
        };
        var maxInFlight = new Option<long>("--max-in-flight")
        {
            Description = "Most calls (synchronous and asynchronous together) the node runs at once. Default 0: the executor's MaxContainers (FNPIPELINE_MAX_CONTAINERS, 16).",
            DefaultValueFactory = _ => 0,
            CustomParser = CliParsers.WholeNumber(0, "calls"),
        };
        var syncOnly = new Option<bool>("--sync-only")
        {
            Description = "Take synchronous calls only; leave the fleet's asynchronous calls to other nodes.",
        };
        var replicas = new Option<long>("--async-replicas")
        {
            Description = "Replicas of the asynchronous calls stream and buckets when this node is the first to create them (1 to 5; 3 on a 3-server cluster). Default 1.",
            DefaultValueFactory = _ => 1,
            CustomParser = CliParsers.WholeNumber(1, "replicas"),
        };
        var logLevel = new Option<LogLevel>("--log-level")
        {
            Description = "Log level on stderr: Trace, Debug, Information, Warning, Error, None. Default Information.",
            DefaultValueFactory = _ => LogLevel.Information,
        };

        var node = new Command("node", "Run an executor node of a fleet on NATS (docs/fleet.md): it takes the fleet's synchronous calls " +
            "while it has room, runs the fleet's asynchronous calls in the same places, and announces itself. The engine is this " +
            "machine's (FNPIPELINE_DOCKER_ENDPOINT or DOCKER_HOST), the executor's settings the FNPIPELINE_* variables; NATS " +
            "user, password and token come from FNPIPELINE_NATS_* only. SIGTERM or Ctrl-C drains: no new call, the running ones " +
            "finish (up to the executor's drain timeout), the asynchronous calls not taken stay queued for other nodes; exit 0. " +
            "Exit 2 on bad options or functions file, 6 when the engine or NATS cannot be used.")
        {
            functions, nodeId, maxInFlight, syncOnly, replicas, logLevel,
        };
        foreach (var option in nats.All)
        {
            node.Options.Add(option);
        }

        node.SetAction((parseResult, cancellationToken) =>
        {
            var settings = new NodeSettings
            {
                FunctionsPath = parseResult.GetValue(functions)?.FullName,
                NodeId = parseResult.GetValue(nodeId),
                MaxInFlight = (int)Math.Min(int.MaxValue, parseResult.GetValue(maxInFlight)),
                AsyncCalls = !parseResult.GetValue(syncOnly),
                AsyncReplicas = (int)Math.Min(int.MaxValue, parseResult.GetValue(replicas)),
            };
            return NodeRunner.RunAsync(settings, nats.Read(parseResult), parseResult.GetValue(logLevel), cancellationToken);
        });
        return node;
    }
}
