using System.CommandLine;
using FnPipeline.LoadTests.Cli;

namespace FnPipeline.LoadTests.Serve;

/// <summary>
/// <c>serve-start</c>: starts <c>fnpipe serve</c> as a process and loads it from its first second, to compare the
/// first 20 s with the steady rate and to read its memory (docs/loadtests.md, "Gateway start-up and memory").
/// </summary>
internal static class ServeStartCommand
{
    public const string Name = "serve-start";

    public static RootCommand Create()
    {
        var fnpipe = new Option<string>("--fnpipe")
        {
            Description = "The fnpipe executable (default: the Release build of src/FnPipeline.Cli).",
            DefaultValueFactory = _ => DefaultFnpipe(),
        };
        var concurrency = new Option<int>("--concurrency", "-c") { Description = "Closed model: this many callers.", DefaultValueFactory = _ => 16 };
        var duration = new Option<int>("--seconds") { Description = "Seconds of load from the moment fnpipe listens (at least 40).", DefaultValueFactory = _ => 60 };
        var payload = new Option<int>("--payload") { Description = "Request body bytes (echoed back and checked).", DefaultValueFactory = _ => 100 };
        var environment = new Option<string[]>("--env") { Description = "KEY=VALUE for fnpipe's environment (repeatable), e.g. DOTNET_gcServer=1." };
        var arguments = new Option<string[]>("--serve-arg") { Description = "An extra argument of fnpipe serve (repeatable), e.g. --log-level=Warning." };
        var output = new Option<string?>("--out", "-o") { Description = "Report folder (default: loadtests/reports/serve-start-<time>)." };
        var command = new RootCommand("Loads fnpipe serve from its first second: first-20-s vs steady throughput, RSS at rest and under load.")
        {
            fnpipe, concurrency, duration, payload, environment, arguments, output,
        };
        command.SetAction((result, cancellationToken) =>
        {
            var settings = new ServeStartSettings(
                result.GetValue(fnpipe)!,
                result.GetValue(concurrency),
                result.GetValue(duration),
                result.GetValue(payload),
                Pairs(result.GetValue(environment)),
                result.GetValue(arguments) ?? [],
                result.GetValue(output) ?? Path.Combine(LoadTestCommand.ReportsDirectory, $"{Name}-{DateTime.UtcNow:yyyyMMdd-HHmmss}"));
            var problems = settings.Validate();
            foreach (var problem in problems)
            {
                Console.Error.WriteLine(problem);
            }

            return problems.Count > 0 ? Task.FromResult(2) : ServeStartRun.RunAsync(settings, Console.Out, cancellationToken);
        });
        return command;
    }

    private static Dictionary<string, string> Pairs(string[]? values) =>
        (values ?? []).Select(v => v.Split('=', 2)).ToDictionary(p => p[0], p => p.Length > 1 ? p[1] : "", StringComparer.Ordinal);

    private static string DefaultFnpipe() =>
        Path.GetFullPath(Path.Combine(LoadTestCommand.ReportsDirectory, "..", "..", "src", "FnPipeline.Cli", "bin", "Release", "net10.0", "fnpipe"));
}

/// <summary>What one <c>serve-start</c> run does.</summary>
internal sealed record ServeStartSettings(
    string Fnpipe,
    int Concurrency,
    int Seconds,
    int PayloadBytes,
    IReadOnlyDictionary<string, string> Environment,
    IReadOnlyList<string> ServeArguments,
    string OutputDirectory)
{
    /// <summary>The start-up window the target is stated on.</summary>
    public const int FirstWindowSeconds = 20;

    public List<string> Validate()
    {
        var problems = new List<string>();
        if (!File.Exists(Fnpipe))
        {
            problems.Add($"--fnpipe: {Fnpipe} does not exist; build it with 'dotnet build src/FnPipeline.Cli -c Release' or name another.");
        }

        if (Concurrency is < 1 or > 1024)
        {
            problems.Add($"--concurrency {Concurrency}: between 1 and 1024.");
        }

        if (Seconds < 2 * FirstWindowSeconds)
        {
            problems.Add($"--seconds {Seconds}: at least {2 * FirstWindowSeconds} (the first {FirstWindowSeconds} s and a steady window as long).");
        }

        if (PayloadBytes is < 1 or > 1024 * 1024)
        {
            problems.Add($"--payload {PayloadBytes}: between 1 and 1048576.");
        }

        return problems;
    }
}
