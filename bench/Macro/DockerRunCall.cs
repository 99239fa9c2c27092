using CliWrap;

namespace FnPipeline.Benchmarks.Macro;

/// <summary>Baseline (b): <c>docker run --rm -i --network none …</c> through CliWrap, input piped to stdin.</summary>
internal static class DockerRunCall
{
    public static async Task<int> EchoAsync(byte[] payload, CancellationToken cancellationToken = default)
    {
        using var stdout = new MemoryStream();
        await Cli.Wrap("docker")
            .WithArguments(BareDockerCall.DockerRunArguments)
            .WithEnvironmentVariables(e => e.Set("DOCKER_HOST", BenchEngine.Endpoint.ToString()))
            .WithStandardInputPipe(PipeSource.FromBytes(payload))
            .WithStandardOutputPipe(PipeTarget.ToStream(stdout))
            .WithValidation(CommandResultValidation.ZeroExitCode)
            .ExecuteAsync(cancellationToken);
        return stdout.Length == payload.Length
            ? (int)stdout.Length
            : throw new InvalidOperationException($"docker run echoed {stdout.Length} bytes, expected {payload.Length}");
    }
}
