using System.CommandLine;
using System.CommandLine.Parsing;
using FnPipeline.LoadTests.Load;
using FnPipeline.LoadTests.Targets;

namespace FnPipeline.LoadTests.Cli;

/// <summary>The command line: <c>--scenario hot-echo --rate 200 --duration 30s</c> and the rest (docs/loadtests.md).</summary>
internal static class LoadTestCommand
{
    public static RootCommand Create(Func<RunSettings, CancellationToken, Task<int>> run)
    {
        var scenario = new Option<string>("--scenario", "-s")
        {
            Description = "Scenario: cold-echo, hot-echo, mixed, burst, faults, hot-scale, floor or fleet-nodes.",
            DefaultValueFactory = _ => "hot-echo",
        };
        scenario.AcceptOnlyFromAmong(RunSettings.Scenarios);
        var rate = new Option<double?>("--rate", "-r") { Description = "Open model: start this many calls per second, whatever the latency." };
        var concurrency = new Option<int?>("--concurrency", "-c") { Description = "Closed model: this many callers, each calling again as soon as its call ends." };
        var duration = Duration("--duration", "Measured duration (e.g. 30s, 2m; at most 1h).", TimeSpan.FromSeconds(30));
        var warmup = new Option<TimeSpan?>("--warmup")
        {
            Description = "Warm-up before the measured phase; its calls are not in the figures (default: the scenario's, 2 to 15 s).",
            CustomParser = result => Parse(result),
        };
        var output = new Option<string?>("--out", "-o") { Description = "Report folder (default: loadtests/reports/<scenario>-<time>)." };
        var driver = new Option<string>("--driver")
        {
            Description = "docker (the real engine) or fake (an in-memory engine that exercises the runner).",
            DefaultValueFactory = _ => "docker",
        };
        driver.AcceptOnlyFromAmong("docker", "fake");
        var payload = new Option<int?>("--payload") { Description = "Input bytes per call (echoed back); default 1024, floor 100." };
        var timeout = Duration("--timeout", "Client-side timeout per call.", TimeSpan.FromSeconds(30));
        var maxInFlight = new Option<int>("--max-in-flight") { Description = "Open model: most calls in flight; due calls past it count as not started.", DefaultValueFactory = _ => 1000 };
        var noBaseline = new Option<bool>("--no-baseline") { Description = "Skip the baseline pass (the same load the bare way, for the ratios)." };
        var hotShare = new Option<double>("--hot-share") { Description = "mixed: the share of hot calls (0 to 1).", DefaultValueFactory = _ => 0.9 };
        var calls = new Option<int>("--calls") { Description = "faults: calls in all (a bounded storm).", DefaultValueFactory = _ => 200 };
        var labels = new Option<string[]>("--label")
        {
            Description = "faults: KEY=VALUE label on every container (repeatable).",
            AllowMultipleArgumentsPerToken = false,
        };
        labels.Validators.Add(result =>
        {
            foreach (var token in result.Tokens.Where(t => !t.Value.Contains('=', StringComparison.Ordinal) || t.Value.StartsWith('=')))
            {
                result.AddError($"--label '{token.Value}' is not KEY=VALUE.");
            }
        });
        var startBound = Duration("--start-bound", "faults: time allowed for getting a call to a running function (part of each call's bound).", TimeSpan.FromSeconds(10));
        var levels = new Option<int[]>("--levels")
        {
            Description = "hot-scale: concurrency levels of the sweep, comma-separated (default 1,4,16,64).",
            CustomParser = result => ParseLevels(result),
        };
        var slack = Duration("--slack", "faults: time allowed past a call's timeout and start bound before it counts as a hang.", TimeSpan.FromSeconds(5));

        var command = new RootCommand("FnPipeline load tests: scenarios under a closed or open load model, with markdown, JSON and HTML reports.")
        {
            scenario, rate, concurrency, duration, warmup, output, driver, payload, timeout, maxInFlight, hotShare, noBaseline, calls, labels, startBound, slack, levels,
        };
        command.SetAction((result, cancellationToken) =>
        {
            var name = result.GetValue(scenario)!;
            var settings = new RunSettings(
                name,
                result.GetValue(rate),
                result.GetValue(concurrency),
                result.GetValue(warmup),
                result.GetValue(duration),
                result.GetValue(driver) == "fake" ? DriverKind.Fake : DriverKind.Docker,
                result.GetValue(payload) ?? (name == Floor.FloorScenario.Name ? Floor.FloorScenario.DefaultPayloadBytes : 1024),
                result.GetValue(timeout),
                result.GetValue(maxInFlight),
                result.GetValue(hotShare),
                !result.GetValue(noBaseline),
                result.GetValue(output) ?? Path.Combine(ReportsDirectory, $"{name}-{DateTime.UtcNow:yyyyMMdd-HHmmss}"))
            {
                Calls = result.GetValue(calls),
                Labels = (result.GetValue(labels) ?? []).Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal),
                StartBound = result.GetValue(startBound),
                Slack = result.GetValue(slack),
                Levels = result.GetValue(levels) is { Length: > 0 } chosen ? chosen : [1, 4, 16, 64],
            };
            var problems = settings.Validate();
            if (problems.Count > 0)
            {
                foreach (var problem in problems)
                {
                    Console.Error.WriteLine(problem);
                }

                return Task.FromResult(2);
            }

            return run(settings, cancellationToken);
        });
        return command;
    }

    /// <summary><c>loadtests/reports/</c> (git-ignored), whatever the working directory.</summary>
    public static string ReportsDirectory { get; } = Path.Combine(ProjectDirectory(), "reports");

    private static Option<TimeSpan> Duration(string name, string description, TimeSpan defaultValue) => new(name)
    {
        Description = description,
        DefaultValueFactory = _ => defaultValue,
        CustomParser = Parse,
    };

    private static TimeSpan Parse(ArgumentResult result)
    {
        var text = result.Tokens.Count > 0 ? result.Tokens[0].Value : "";
        if (DurationParser.TryParse(text, out var duration))
        {
            return duration;
        }

        result.AddError($"'{text}' is not a duration (e.g. 30s, 500ms, 2m, 1m30s).");
        return default;
    }

    private static int[] ParseLevels(ArgumentResult result)
    {
        var levels = new List<int>();
        foreach (var part in result.Tokens.SelectMany(t => t.Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)))
        {
            if (!int.TryParse(part, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var level))
            {
                result.AddError($"--levels: '{part}' is not a number of callers.");
                return [];
            }

            levels.Add(level);
        }

        return [.. levels];
    }

    private static string ProjectDirectory() =>
        typeof(LoadTestCommand).Assembly.GetCustomAttributes(typeof(System.Reflection.AssemblyMetadataAttribute), false)
            .OfType<System.Reflection.AssemblyMetadataAttribute>()
            .FirstOrDefault(a => a.Key == "LoadTestsProjectDirectory")?.Value is { } directory && Directory.Exists(directory)
            ? directory
            : Directory.GetCurrentDirectory();
}
