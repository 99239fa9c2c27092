using CliWrap;
using CliWrap.Buffered;

namespace FnPipeline.Testing.Engine;

/// <summary>Runs the docker CLI through CliWrap; every container it creates carries the <see cref="TestRun"/> labels.</summary>
public static class DockerCli
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    /// <summary><c>docker run --rm -i --network none</c> + labels + <paramref name="image"/> + <paramref name="arguments"/>, stdin from <paramref name="input"/>.</summary>
    public static Task<BufferedCommandResult> RunAsync(
        string image,
        string input,
        IEnumerable<string>? dockerOptions = null,
        IEnumerable<string>? arguments = null,
        CancellationToken cancellationToken = default)
    {
        var all = new List<string> { "run", "--rm", "-i", "--network", "none" };
        all.AddRange(TestRun.LabelArguments);
        all.AddRange(dockerOptions ?? []);
        all.Add(image);
        all.AddRange(arguments ?? []);
        return ExecuteAsync(all, input, cancellationToken);
    }

    /// <summary>Runs <c>docker</c> with <paramref name="arguments"/>; never throws on a non-zero exit code.</summary>
    public static async Task<BufferedCommandResult> ExecuteAsync(
        IEnumerable<string> arguments,
        string? input = null,
        CancellationToken cancellationToken = default)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(DefaultTimeout);
        Command command = Cli.Wrap("docker")
            .WithArguments(arguments)
            .WithValidation(CommandResultValidation.None);
        if (input is not null)
        {
            command = command.WithStandardInputPipe(PipeSource.FromString(input));
        }

        return await command.ExecuteBufferedAsync(timeout.Token);
    }
}
