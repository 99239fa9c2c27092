using System.CommandLine;
using FnPipeline.Cli.Doctor;

namespace FnPipeline.Cli.Commands;

/// <summary><c>fnpipe doctor</c>: is this machine ready to run functions?</summary>
internal static class DoctorCommand
{
    public static Command Create()
    {
        var images = new Argument<string[]>("images")
        {
            Description = "Images that must be on the engine (e.g. fnpipeline/testfn:latest).",
            Arity = ArgumentArity.ZeroOrMore,
        };
        var functions = new Option<FileInfo?>("--functions", "-F")
        {
            Description = "A functions file to check, whose images must also be on the engine.",
        };
        var doctor = new Command("doctor", "Check that fnpipe can work here: FNPIPELINE_* settings, the functions file, the " +
            "engine (reachable, version and API version), the hot pool's socket directory (writable, holds unix sockets, " +
            "short enough) and the images; each failure says what to do. Exit code 0 when nothing failed, 1 otherwise.")
        {
            images, functions,
        };
        doctor.SetAction((parseResult, cancellationToken) =>
            DoctorRunner.RunAsync(parseResult.GetValue(images) ?? [], parseResult.GetValue(functions)?.FullName, cancellationToken));
        return doctor;
    }
}
