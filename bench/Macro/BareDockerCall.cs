using System.Globalization;
using Docker.DotNet;
using Docker.DotNet.Models;

namespace FnPipeline.Benchmarks.Macro;

/// <summary>
/// Baseline (a): what a program would write without FnPipeline: create → attach → start → write stdin, read stdout →
/// wait → remove, inline, with Docker.DotNet. The container is the one the executor creates for the same call
/// (memory with swap disabled, read-only root with a tmpfs /tmp, init, no network, no log driver).
/// </summary>
internal sealed class BareDockerCall(DockerClient client)
{
    public async Task<int> EchoAsync(byte[] payload, CancellationToken cancellationToken = default)
    {
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
            if (exit.StatusCode != 0 || output.Length != payload.Length)
            {
                throw new InvalidOperationException($"bare call failed: exit {exit.StatusCode}, {output.Length} bytes out");
            }

            return output.Length;
        }
        finally
        {
            await client.Containers.RemoveContainerAsync(created.ID, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, CancellationToken.None);
        }
    }

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

    private static CreateContainerParameters Parameters() => new()
    {
        Image = BenchEngine.BusyboxImage,
        Cmd = ["cat"],
        AttachStdin = true,
        AttachStdout = true,
        AttachStderr = true,
        OpenStdin = true,
        StdinOnce = true,
        Labels = new Dictionary<string, string> { [BenchEngine.BenchLabel] = "true" },
        HostConfig = new HostConfig
        {
            NetworkMode = "none",
            Memory = BenchEngine.MemoryMB * 1024 * 1024,
            MemorySwap = BenchEngine.MemoryMB * 1024 * 1024,
            MemorySwappiness = 0,
            ReadonlyRootfs = true,
            Tmpfs = new Dictionary<string, string> { ["/tmp"] = "" },
            Init = true,
            LogConfig = new LogConfig { Type = "none", Config = new Dictionary<string, string>() },
        },
    };

    /// <summary>The same container as a <c>docker run</c> command line, for baseline (b).</summary>
    public static IReadOnlyList<string> DockerRunArguments { get; } =
    [
        "run", "--rm", "-i", "--network", "none",
        "--memory", BenchEngine.MemoryMB.ToString(CultureInfo.InvariantCulture) + "m",
        "--memory-swap", BenchEngine.MemoryMB.ToString(CultureInfo.InvariantCulture) + "m",
        "--memory-swappiness", "0",
        "--read-only", "--tmpfs", "/tmp", "--init", "--log-driver", "none",
        "--label", BenchEngine.BenchLabel + "=true",
        BenchEngine.BusyboxImage, "cat",
    ];
}
