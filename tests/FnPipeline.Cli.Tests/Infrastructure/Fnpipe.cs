using System.Reflection;
using CliWrap;
using CliWrap.Buffered;

namespace FnPipeline.Cli.Tests.Infrastructure;

/// <summary>Runs the built <c>fnpipe</c> as a process (<c>dotnet exec fnpipe.dll ...</c>) through CliWrap; never throws on exit codes.</summary>
public static class Fnpipe
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(120);

    /// <summary>fnpipe.dll next to the tests (the project reference copies it with its runtimeconfig).</summary>
    public static string DllPath { get; } = Path.Combine(AppContext.BaseDirectory, "fnpipe.dll");

    /// <summary>The repository root (for docs and scripts).</summary>
    public static string RepositoryRoot { get; } = typeof(Fnpipe).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
        .Single(a => a.Key == "RepositoryRoot").Value!;

    /// <summary>A command for <c>fnpipe</c> with <paramref name="arguments"/>; <paramref name="environment"/> adds or overrides variables.</summary>
    /// <remarks>
    /// Started through <c>env --default-signal=INT</c> (which then execs, keeping the process id): a test run launched
    /// in the background of a script inherits SIGINT ignored, .NET keeps an inherited ignore, and the tests that
    /// press Ctrl-C would then measure the launcher rather than fnpipe.
    /// </remarks>
    public static Command Command(IEnumerable<string> arguments, IReadOnlyDictionary<string, string?>? environment = null) =>
        CliWrap.Cli.Wrap("env")
            .WithArguments(["--default-signal=INT", "dotnet", "exec", DllPath, .. arguments])
            .WithEnvironmentVariables(env =>
            {
                env.Set("DOTNET_NOLOGO", "1");
                foreach (var (name, value) in environment ?? new Dictionary<string, string?>())
                {
                    env.Set(name, value);
                }
            })
            .WithValidation(CommandResultValidation.None);

    /// <summary>Runs fnpipe to its end with <paramref name="input"/> on stdin (none when <c>null</c>), bounded.</summary>
    public static async Task<BufferedCommandResult> RunAsync(
        IEnumerable<string> arguments,
        string? input = null,
        IReadOnlyDictionary<string, string?>? environment = null,
        CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(DefaultTimeout);
        var command = Command(arguments, environment);
        if (input is not null)
        {
            command = command.WithStandardInputPipe(PipeSource.FromString(input));
        }

        return await command.ExecuteBufferedAsync(timeout.Token);
    }

    /// <summary>Runs <c>fnpipe invoke IMAGE</c> with the test labels, then <paramref name="arguments"/>.</summary>
    public static Task<BufferedCommandResult> InvokeAsync(string image, string? input, params string[] arguments) =>
        RunAsync(["invoke", image, .. TestRun.LabelArguments, .. arguments], input);
}
