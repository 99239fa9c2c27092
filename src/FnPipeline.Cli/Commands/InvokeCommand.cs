using System.CommandLine;
using FnPipeline.Cli.Invoke;

namespace FnPipeline.Cli.Commands;

/// <summary><c>fnpipe invoke IMAGE</c>: one call, stdin to the function, its output to stdout, the report on stderr.</summary>
internal static class InvokeCommand
{
    public static Command Create()
    {
        var image = new Argument<string>("image")
        {
            Description = "Image to run, e.g. fnpipeline/testfn:latest; pulled when the engine lacks it (progress on stderr).",
        };
        var command = new Argument<string[]>("command")
        {
            Description = "Command to run instead of the image's CMD, after '--' (e.g. -- /bin/sh -c 'cat'); same as --cmd.",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var format = new Option<string>("--format", "-f")
        {
            Description = "Exchange format: 'default' (cold: one container, input on stdin, output from stdout) or 'http-stream' (hot: HTTP over a unix socket).",
            DefaultValueFactory = _ => "default",
        };
        format.AcceptOnlyFromAmong("default", "http-stream");
        var memory = new Option<long>("--memory", "-m")
        {
            Description = "Memory limit in MB (at least 6; swap disabled). Default: FNPIPELINE_DEFAULT_MEMORY_MB, else 128.",
            CustomParser = CliParsers.WholeNumber(FunctionCallLimits.MinMemoryMB, "MB"),
        };
        var cpus = new Option<long>("--cpus")
        {
            Description = "CPU limit in milli-CPUs (1000 = one CPU; at least 10, the engine's smallest quota). Default: unlimited.",
            CustomParser = CliParsers.WholeNumber(FunctionCallLimits.MinMilliCpus, "milli-CPUs"),
        };
        var timeout = new Option<TimeSpan?>("--timeout", "-t")
        {
            Description = "Call timeout, counted from when the call got a container: 500ms, 30s, 2m. Default: FNPIPELINE_DEFAULT_TIMEOUT_MS, else 30s.",
            CustomParser = CliParsers.Duration,
        };
        var env = new Option<IReadOnlyList<KeyValuePair<string, string>>>("--env", "-e")
        {
            Description = "Environment variable NAME=value for the function (repeatable); NAME alone passes fnpipe's own value.",
            CustomParser = CliParsers.EnvironmentPairs,
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = false,
        };
        var label = new Option<IReadOnlyList<KeyValuePair<string, string>>>("--label", "-l")
        {
            Description = "Extra container label name=value (repeatable); fnpipeline.* labels of the executor are reserved.",
            CustomParser = CliParsers.LabelPairs,
            Arity = ArgumentArity.OneOrMore,
        };
        var header = new Option<IReadOnlyList<KeyValuePair<string, string>>>("--header", "-H")
        {
            Description = "Request header 'Name: value' for an http-stream call (repeatable).",
            CustomParser = CliParsers.HeaderPairs,
            Arity = ArgumentArity.OneOrMore,
        };
        var cmd = new Option<string[]>("--cmd")
        {
            Description = "Command to run instead of the image's CMD, as separate words up to the next option (no shell splitting): --cmd echo hello.",
            Arity = ArgumentArity.OneOrMore,
            AllowMultipleArgumentsPerToken = true,
        };
        var json = new Option<bool>("--json")
        {
            Description = "Write one JSON document to stdout (output, status, exit codes, timings, stats, stderr) instead of the raw output and the stderr report.",
        };
        var verbose = new Option<bool>("--verbose", "-v")
        {
            Description = "Log the executor's work (debug level) to stderr.",
        };

        var invoke = new Command("invoke", "Run one function call: stdin is the input, the function's output goes to stdout, " +
            "status, exit code, per-stage timings and stats go to stderr (or --json). The exit code follows the call's " +
            "status: 0 success, 1 function error, 2 invalid call, 3 timeout, 4 out of memory, 5 image error, 6 engine error, 130 interrupted.")
        {
            image, command, format, memory, cpus, timeout, env, label, header, cmd, json, verbose,
        };
        invoke.SetAction((parseResult, cancellationToken) =>
        {
            var words = parseResult.GetValue(cmd) is { Length: > 0 } fromOption ? fromOption : parseResult.GetValue(command);
            var request = new InvokeRequest
            {
                Image = parseResult.GetRequiredValue(image),
                Format = parseResult.GetValue(format) == "http-stream" ? FunctionFormat.HttpStream : FunctionFormat.Default,
                MemoryMB = parseResult.GetValue(memory),
                MilliCpus = parseResult.GetValue(cpus),
                Timeout = parseResult.GetValue(timeout),
                Environment = parseResult.GetValue(env) ?? [],
                Labels = parseResult.GetValue(label) ?? [],
                Headers = parseResult.GetValue(header) ?? [],
                Command = words is { Length: > 0 } ? words : null,
                Json = parseResult.GetValue(json),
                Verbose = parseResult.GetValue(verbose),
            };
            return InvokeRunner.RunAsync(request, cancellationToken);
        });
        return invoke;
    }
}
