using FnPipeline.Cli.Functions;
using FnPipeline.Cli.Hosting;
using FnPipeline.Cli.Progress;
using Spectre.Console;

namespace FnPipeline.Cli.Doctor;

/// <summary>
/// <c>fnpipe doctor</c>: settings, functions file, engine, version, images, socket directory and registry credentials,
/// one line each, with what to do about every failure. Exit code 0 when nothing failed, 1 otherwise.
/// </summary>
internal static class DoctorRunner
{
    public static async Task<int> RunAsync(IReadOnlyList<string> images, string? functionsPath, CancellationToken cancellationToken = default)
    {
        var checks = new List<DoctorCheck>();
        var options = Settings(checks);
        var named = new List<string>(images);
        if (functionsPath is not null)
        {
            named.AddRange(Functions(checks, functionsPath));
        }

        using (var engine = new EngineChecks(options))
        {
            await EngineAsync(checks, engine, named, cancellationToken).ConfigureAwait(false);
        }

        checks.Add(await SocketDirectoryCheck.RunAsync(options.Hot.SocketBaseDirectory, cancellationToken).ConfigureAwait(false));
        checks.Add(RegistryCredentialsCheck.Run(options));
        Write(checks, TerminalDetection.IsTerminal(Console.IsOutputRedirected));
        return checks.Exists(c => c.Outcome == CheckOutcome.Fail) ? 1 : 0;
    }

    private static async Task EngineAsync(List<DoctorCheck> checks, EngineChecks engine, List<string> images, CancellationToken cancellationToken)
    {
        if (!await engine.ProbeAsync(checks, cancellationToken).ConfigureAwait(false))
        {
            if (images.Count > 0)
            {
                checks.Add(DoctorCheck.Skipped("images", "need the engine"));
            }

            return;
        }

        foreach (var image in images.Distinct(StringComparer.Ordinal))
        {
            checks.Add(await engine.ImageAsync(image, cancellationToken).ConfigureAwait(false));
        }

        if (images.Count == 0)
        {
            checks.Add(DoctorCheck.Skipped("images", "none named: give IMAGE arguments or --functions FILE to check them"));
        }
    }

    private static FnPipelineOptions Settings(List<DoctorCheck> checks)
    {
        var set = FnPipelineEnvironment.Names.Count(name => Environment.GetEnvironmentVariable(name) is not null);
        FnPipelineOptions options;
        try
        {
            options = ExecutorSetup.CreateOptions();
        }
        catch (FormatException e)
        {
            checks.Add(DoctorCheck.Fail("settings", e.Message, "fix or unset the FNPIPELINE_* variables named (docs/configuration.md)"));
            return new FnPipelineOptions();
        }

        // The socket directory has its own check, with its own advice.
        var problems = new FnPipelineOptionsValidator().Validate(null, options).Failures?
            .Where(f => !f.Contains("SocketBaseDirectory", StringComparison.Ordinal)).ToList() ?? [];

        // Validation reads no file: the executor checks the tarball when it is made, and so does the doctor.
        if (options.ImageLoadFile is { } file && !File.Exists(file))
        {
            problems.Add($"ImageLoadFile '{file}' does not exist");
        }
        checks.Add(problems.Count == 0
            ? DoctorCheck.Ok("settings", set == 0 ? "defaults (no FNPIPELINE_* variable set)" : $"{set} FNPIPELINE_* variable(s) set, all valid")
            : DoctorCheck.Fail("settings", string.Join("; ", problems), "fix the FNPIPELINE_* variables named (docs/configuration.md)"));
        return options;
    }

    private static IEnumerable<string> Functions(List<DoctorCheck> checks, string path)
    {
        try
        {
            var file = FunctionsFile.Load(path);
            checks.Add(DoctorCheck.Ok("functions file", $"{path}: {file.Functions.Count} function(s): {string.Join(", ", file.Functions.Select(f => f.Name))}"));
            return file.Functions.Select(f => f.Image);
        }
        catch (FunctionsFileException e)
        {
            checks.Add(DoctorCheck.Fail("functions file", string.Join(Environment.NewLine + "        ", e.Problems), "fix the lines named (format: docs/functions-file.md)"));
            return [];
        }
    }

    private static void Write(List<DoctorCheck> checks, bool terminal)
    {
        var failures = checks.Count(c => c.Outcome == CheckOutcome.Fail);
        if (terminal)
        {
            var console = AnsiConsole.Console;
            foreach (var check in checks)
            {
                var (mark, color) = Mark(check.Outcome);
                console.MarkupLine($"  [{color}]{mark,-5}[/] [bold]{Markup.Escape(check.Name),-16}[/] {Markup.Escape(check.Detail)}");
                if (check.Fix is not null)
                {
                    console.MarkupLine($"        [{color}]fix:[/] {Markup.Escape(check.Fix)}");
                }
            }

            console.MarkupLine(failures == 0 ? "[green]fnpipe doctor: no problem found[/]" : $"[red]fnpipe doctor: {failures} problem(s) found[/]");
            return;
        }

        foreach (var check in checks)
        {
            Console.Out.WriteLine($"  {Mark(check.Outcome).Mark,-5} {check.Name,-16} {check.Detail}");
            if (check.Fix is not null)
            {
                Console.Out.WriteLine($"        fix: {check.Fix}");
            }
        }

        Console.Out.WriteLine(failures == 0 ? "fnpipe doctor: no problem found" : $"fnpipe doctor: {failures} problem(s) found");
    }

    private static (string Mark, string Color) Mark(CheckOutcome outcome) => outcome switch
    {
        CheckOutcome.Ok => ("ok", "green"),
        CheckOutcome.Warn => ("warn", "yellow"),
        CheckOutcome.Fail => ("FAIL", "red"),
        _ => ("skip", "grey"),
    };
}
