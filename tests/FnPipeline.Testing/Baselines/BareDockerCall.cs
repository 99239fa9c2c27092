using System.Globalization;
using CliWrap;
using Docker.DotNet;
using Docker.DotNet.Models;
using FnPipeline.Testing.Engine;

namespace FnPipeline.Testing.Baselines;

/// <summary>
/// The bare-Docker baseline of bench and load tests: what a program would write without FnPipeline for one cold echo
/// of busybox <c>cat</c>. (a) create → attach → start → write stdin, read stdout → wait → remove, inline, with
/// Docker.DotNet; (b) the same container as <c>docker run --rm -i</c>. The container is the one the executor creates
/// for the same call: the default memory limit with swap disabled, read-only root with a tmpfs /tmp, init, no network,
/// no log driver. Every container carries <paramref name="label"/><c>=true</c>, so a crashed run's leftovers are easy to find.
/// </summary>
public sealed class BareDockerCall(DockerClient client, string label)
{
    /// <summary>The executor's default memory limit, mirrored so all sides start the same container.</summary>
    public const long MemoryMB = 128;

    /// <summary>Baseline (a): one echo; the exit code and how many bytes came back on stdout.</summary>
    public async Task<BareExit> RunAsync(byte[] payload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var created = await client.Containers.CreateContainerAsync(Parameters(), cancellationToken);
        try
        {
            using var stream = await client.Containers.AttachContainerAsync(
                created.ID,
                new ContainerAttachParameters { Stream = true, Stdin = true, Stdout = true, Stderr = true },
                cancellationToken);
            await client.Containers.StartContainerAsync(created.ID, new ContainerStartParameters(), cancellationToken);
            await stream.WriteAsync(payload, 0, payload.Length, cancellationToken);
            stream.CloseWrite();
            var output = await ReadStdoutAsync(stream, cancellationToken);
            var exit = await client.Containers.WaitContainerAsync(created.ID, cancellationToken);
            return new BareExit(exit.StatusCode, output.Length);
        }
        finally
        {
            await client.Containers.RemoveContainerAsync(created.ID, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, CancellationToken.None);
        }
    }

    /// <summary>Baseline (a) that must echo: throws unless the container exited 0 with the payload's length on stdout.</summary>
    public async Task<int> EchoAsync(byte[] payload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(payload);
        var exit = await RunAsync(payload, cancellationToken);
        return exit.ExitCode == 0 && exit.OutputBytes == payload.Length
            ? exit.OutputBytes
            : throw new InvalidOperationException($"bare call failed: exit {exit.ExitCode}, {exit.OutputBytes} bytes out");
    }

    /// <summary>Baseline (b): <c>docker run --rm -i --network none …</c> through CliWrap, the payload piped to stdin.</summary>
    public static async Task<int> DockerRunEchoAsync(Uri endpoint, string label, byte[] payload, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(payload);
        using var stdout = new MemoryStream();
        await Cli.Wrap("docker")
            .WithArguments(DockerRunArguments(label))
            .WithEnvironmentVariables(e => e.Set("DOCKER_HOST", endpoint.ToString()))
            .WithStandardInputPipe(PipeSource.FromBytes(payload))
            .WithStandardOutputPipe(PipeTarget.ToStream(stdout))
            .WithValidation(CommandResultValidation.ZeroExitCode)
            .ExecuteAsync(cancellationToken);
        return stdout.Length == payload.Length
            ? (int)stdout.Length
            : throw new InvalidOperationException($"docker run echoed {stdout.Length} bytes, expected {payload.Length}");
    }

    /// <summary>The same container as a <c>docker run</c> command line.</summary>
    public static IReadOnlyList<string> DockerRunArguments(string label) =>
    [
        "run", "--rm", "-i", "--network", "none",
        "--memory", MemoryMB.ToString(CultureInfo.InvariantCulture) + "m",
        "--memory-swap", MemoryMB.ToString(CultureInfo.InvariantCulture) + "m",
        "--memory-swappiness", "0",
        "--read-only", "--tmpfs", "/tmp", "--init", "--log-driver", "none",
        "--label", label + "=true",
        TestImages.Busybox, "cat",
    ];

    // The whole output kept, as a program that wants the result would.
    private static async Task<byte[]> ReadStdoutAsync(MultiplexedStream stream, CancellationToken cancellationToken)
    {
        using var stdout = new MemoryStream();
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var read = await stream.ReadOutputAsync(buffer, 0, buffer.Length, cancellationToken);
            if (read.EOF)
            {
                return stdout.ToArray();
            }

            if (read.Target == MultiplexedStream.TargetStream.StandardOut)
            {
                stdout.Write(buffer, 0, read.Count);
            }
        }
    }

    private CreateContainerParameters Parameters() => new()
    {
        Image = TestImages.Busybox,
        Cmd = ["cat"],
        AttachStdin = true,
        AttachStdout = true,
        AttachStderr = true,
        OpenStdin = true,
        StdinOnce = true,
        Labels = new Dictionary<string, string> { [label] = "true" },
        HostConfig = new HostConfig
        {
            NetworkMode = "none",
            Memory = MemoryMB * 1024 * 1024,
            MemorySwap = MemoryMB * 1024 * 1024,
            MemorySwappiness = 0,
            ReadonlyRootfs = true,
            Tmpfs = new Dictionary<string, string> { ["/tmp"] = "" },
            Init = true,
            LogConfig = new LogConfig { Type = "none", Config = new Dictionary<string, string>() },
        },
    };
}

/// <summary>How a bare cold echo ended: the container's exit code and the bytes it wrote to stdout.</summary>
public readonly record struct BareExit(long ExitCode, int OutputBytes);
