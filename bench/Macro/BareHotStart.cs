using System.Diagnostics;
using Docker.DotNet;
using Docker.DotNet.Models;
using FnPipeline.Testing.Baselines;
using FnPipeline.Testing.Sockets;

namespace FnPipeline.Benchmarks.Macro;

/// <summary>
/// The bare sequence a new hot container's first call is compared with: create → start → socket ready → the first
/// request, written the plain way with Docker.DotNet and an inotify watch (<see cref="FileSystemWatcher"/>) on the
/// socket directory, then the request with <see cref="BareHttpStreamCall"/>. The container is the executor's hot
/// container for the same call (the test function, the contract's FN_FORMAT/FN_LISTENER, the socket directory at
/// /tmp/iofs, 128 MB without swap, read-only root with a tmpfs /tmp, init, no network, no log driver); it is removed
/// after the timed part.
/// </summary>
internal sealed class BareHotStart(DockerClient client, string label)
{
    private static readonly TimeSpan ReadyDeadline = TimeSpan.FromSeconds(60);

    /// <summary>One new container and its first call, with the time of each step; the removal (returned) is not timed.</summary>
    public async Task<(Func<Task> Remove, BareStartSteps Steps)> FirstCallAsync(byte[] payload, CancellationToken cancellationToken = default)
    {
        var directory = Directory.CreateTempSubdirectory("fnbare-").FullName;
        // The bare container runs as the image's user (root), so the directory needs no wider mode.
        var step = Stopwatch.GetTimestamp();
        var created = await client.Containers.CreateContainerAsync(Parameters(directory), cancellationToken);
        var create = Lap(ref step);
        try
        {
            using var watcher = new SocketWatch(directory);
            await client.Containers.StartContainerAsync(created.ID, new ContainerStartParameters(), cancellationToken);
            var start = Lap(ref step);
            await watcher.Ready.WaitAsync(ReadyDeadline, cancellationToken);
            var socketWait = Lap(ref step);
            using var http = UnixSocketHttp.CreatePlainClient(Path.Combine(directory, "lsnr.sock"));
            await BareHttpStreamCall.EchoAsync(http, payload, cancellationToken);
            return (() => RemoveAsync(created.ID, directory), new BareStartSteps(create, start, socketWait, Lap(ref step)));
        }
        catch
        {
            await RemoveAsync(created.ID, directory);
            throw;
        }
    }

    private static TimeSpan Lap(ref long since)
    {
        var now = Stopwatch.GetTimestamp();
        var lap = Stopwatch.GetElapsedTime(since, now);
        since = now;
        return lap;
    }

    private async Task RemoveAsync(string id, string directory)
    {
        await client.Containers.RemoveContainerAsync(id, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, CancellationToken.None);
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException)
        {
            // In the temp directory; the engine may hold it a moment longer.
        }
    }

    private CreateContainerParameters Parameters(string directory) => new()
    {
        Image = BenchEngine.TestFunctionImage,
        AttachStdout = true,
        AttachStderr = true,
        Env = ["FN_FORMAT=http-stream", "FN_LISTENER=unix:/tmp/iofs/lsnr.sock", "FN_MEMORY=128", "FN_TYPE=sync"],
        Labels = new Dictionary<string, string> { [label] = "true" },
        HostConfig = new HostConfig
        {
            NetworkMode = "none",
            Memory = BareDockerCall.MemoryMB * 1024 * 1024,
            MemorySwap = BareDockerCall.MemoryMB * 1024 * 1024,
            MemorySwappiness = 0,
            ReadonlyRootfs = true,
            Tmpfs = new Dictionary<string, string> { ["/tmp"] = "" },
            Init = true,
            Binds = [$"{directory}:/tmp/iofs"],
            LogConfig = new LogConfig { Type = "none", Config = new Dictionary<string, string>() },
        },
    };

    /// <summary>Completes when <c>lsnr.sock</c> appears in the directory (created, or renamed into place).</summary>
    private sealed class SocketWatch : IDisposable
    {
        private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly FileSystemWatcher _watcher;
        private readonly string _socket;

        public SocketWatch(string directory)
        {
            _socket = Path.Combine(directory, "lsnr.sock");
            _watcher = new FileSystemWatcher(directory) { NotifyFilter = NotifyFilters.FileName };
            _watcher.Created += (_, _) => Check();
            _watcher.Renamed += (_, _) => Check();
            _watcher.EnableRaisingEvents = true;
            Check();
        }

        public Task Ready => _ready.Task;

        public void Dispose() => _watcher.Dispose();

        private void Check()
        {
            // The link is made after the socket is bound and listening (the contract), so its presence is readiness.
            if (File.Exists(_socket))
            {
                _ready.TrySetResult();
            }
        }
    }
}

/// <summary>Where a bare start's time went: create, start, socket wait (inotify), the first request.</summary>
internal readonly record struct BareStartSteps(TimeSpan Create, TimeSpan Start, TimeSpan SocketWait, TimeSpan Request);
