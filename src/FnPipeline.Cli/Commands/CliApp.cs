using System.CommandLine;
using FnPipeline.Cli.Invoke;

namespace FnPipeline.Cli.Commands;

/// <summary>The <c>fnpipe</c> command tree: <c>invoke</c>, <c>serve</c>, <c>doctor</c> (reference: docs/cli.md).</summary>
internal static class CliApp
{
    public static RootCommand CreateRootCommand()
    {
        var root = new RootCommand(
            "fnpipe runs functions in Docker containers: one call from the command line (invoke), an HTTP gateway over a " +
            "functions file (serve), or a check of this machine (doctor); past one machine, a node of a fleet on NATS (node), the fleet's front door (serve --nats) and its status (fleet status). Executor settings come from FNPIPELINE_* " +
            "variables (docs/configuration.md); the engine from FNPIPELINE_DOCKER_ENDPOINT or DOCKER_HOST.");
        root.Subcommands.Add(InvokeCommand.Create());
        root.Subcommands.Add(ServeCommand.Create());
        root.Subcommands.Add(DoctorCommand.Create());
        root.Subcommands.Add(FleetCommand.Create());
        root.Subcommands.Add(NodeCommand.Create());
        foreach (var command in root.Subcommands)
        {
            // UnknownOptions reports them, with a did-you-mean for a mistyped option.
            command.TreatUnmatchedTokensAsErrors = false;
        }

        return root;
    }

    /// <summary>Parses <paramref name="args"/>: the parse result and every usage error (the parser's, then unknown options before <c>--</c>).</summary>
    public static (ParseResult Result, IReadOnlyList<string> Errors) Parse(RootCommand root, string[] args)
    {
        ArgumentNullException.ThrowIfNull(root);
        var parseResult = root.Parse(args);
        return (parseResult, [.. parseResult.Errors.Select(e => e.Message), .. UnknownOptions.Find(parseResult)]);
    }

    /// <summary>Parses and runs; a usage error prints what is wrong and exits with <see cref="ExitCodes.Usage"/>.</summary>
    public static async Task<int> RunAsync(string[] args, CancellationToken cancellationToken = default)
    {
        var root = CreateRootCommand();
        var (parseResult, errors) = Parse(root, args);
        if (errors.Count > 0)
        {
            foreach (var error in errors)
            {
                await Console.Error.WriteLineAsync($"fnpipe: {error}".AsMemory(), cancellationToken).ConfigureAwait(false);
            }

            var command = parseResult.CommandResult.Command;
            var name = command == root ? "fnpipe" : $"fnpipe {command.Name}";
            await Console.Error.WriteLineAsync($"Run '{name} --help' for usage.".AsMemory(), cancellationToken).ConfigureAwait(false);
            return ExitCodes.Usage;
        }

        // Each command handles SIGINT/SIGTERM itself: a call must remove its container before the process ends.
        var configuration = new InvocationConfiguration { ProcessTerminationTimeout = null };
        return await parseResult.InvokeAsync(configuration, cancellationToken).ConfigureAwait(false);
    }
}
