using System.CommandLine;
using FnPipeline.Cli.Fleet;
using FnPipeline.Cli.Invoke;
using FnPipeline.Fleet;

namespace FnPipeline.Cli.Commands;

/// <summary><c>fnpipe fleet status</c>: the nodes of a fleet on NATS, their engines, load and hot functions, and the asynchronous queue.</summary>
internal static class FleetCommand
{
    public static Command Create()
    {
        var nats = NatsCliOptions.ForFleetCommand();
        var wait = new Option<long>("--wait-ms")
        {
            Description = "How long to gather the nodes' answers, in milliseconds. Default 1000.",
            DefaultValueFactory = _ => 1000,
            CustomParser = CliParsers.WholeNumber(1, "milliseconds"),
        };
        var status = new Command("status", "List the fleet's nodes (each answers a status request with its announcement): state, " +
            "calls running against its capacity, hot functions, engine; then the asynchronous calls queued and running. " +
            "Credentials and TLS come from the FNPIPELINE_NATS_* variables (docs/fleet.md). Exit code 0 when a node answered, " +
            "1 when none did, 6 when NATS cannot be reached.")
        {
            wait,
        };
        foreach (var option in nats.All)
        {
            status.Options.Add(option);
        }

        status.SetAction(async (parseResult, cancellationToken) =>
        {
            var options = nats.Read(parseResult);
            try
            {
                FleetOptionsValidation.ThrowIfInvalid(options);
                var report = await FleetStatus.GatherAsync(options, TimeSpan.FromMilliseconds(parseResult.GetValue(wait)), cancellationToken).ConfigureAwait(false);
                await Console.Out.WriteAsync(FleetStatus.Format(report, DateTimeOffset.UtcNow).AsMemory(), cancellationToken).ConfigureAwait(false);
                return report.Nodes.Count > 0 ? ExitCodes.Success : ExitCodes.FunctionError;
            }
            catch (Microsoft.Extensions.Options.OptionsValidationException e)
            {
                await Console.Error.WriteLineAsync($"fnpipe fleet status: {e.Message}".AsMemory(), cancellationToken).ConfigureAwait(false);
                return ExitCodes.Usage;
            }
            catch (FnEngineException e)
            {
                await Console.Error.WriteLineAsync($"fnpipe fleet status: {e.Message}".AsMemory(), cancellationToken).ConfigureAwait(false);
                return ExitCodes.Engine;
            }
        });
        return new Command("fleet", "Look at a fleet of executor nodes on NATS (docs/fleet.md).") { status };
    }
}
