using System.Globalization;
using System.Net.Sockets;
using System.Threading.Channels;
using Docker.DotNet;
using Docker.DotNet.Models;
using FnPipeline.LoadTests.Load;
using FnPipeline.LoadTests.Scenarios;

namespace FnPipeline.LoadTests.Baselines;

/// <summary>
/// The docker baseline: what a program would do without FnPipeline. Cold: create → attach → start → write stdin, read
/// stdout → wait → remove with Docker.DotNet, inline, for the same container the executor creates (busybox
/// <c>cat</c>, 128 MB without swap, read-only root with a tmpfs /tmp, init, no network, no log driver). Hot: the same
/// request over the executor's own hot containers' sockets with plain <see cref="HttpClient"/>s, one per container,
/// handed out through a channel of idle clients.
/// </summary>
internal sealed class BareDockerPaths : IEchoPaths, IDisposable
{
    private const long MemoryBytes = 128L * 1024 * 1024;
    private readonly DockerClient _docker;
    private readonly byte[] _payload;
    private readonly List<HttpClient> _clients;
    private readonly Channel<HttpClient> _idle;

    public BareDockerPaths(byte[] payload, IReadOnlyList<string> hotSockets)
    {
        _payload = payload;
        var endpoint = Environment.GetEnvironmentVariable("DOCKER_HOST") is { Length: > 0 } host ? host : "unix:///var/run/docker.sock";
        _docker = new DockerClientBuilder().WithEndpoint(new Uri(endpoint)).Build();
        _clients = hotSockets.Select(CreateClient).ToList();
        _idle = Channel.CreateBounded<HttpClient>(Math.Max(1, _clients.Count));
        foreach (var client in _clients)
        {
            _idle.Writer.TryWrite(client);
        }
    }

    public string Name => "bare Docker.DotNet (cold) / plain HttpClient on the same sockets (hot)";

    public bool HasHotContainers => _clients.Count > 0;

    public async Task<Outcome> ColdAsync(CancellationToken cancellationToken)
    {
        var created = await _docker.Containers.CreateContainerAsync(Parameters(), cancellationToken);
        try
        {
            using var stream = await _docker.Containers.AttachContainerAsync(
                created.ID,
                new ContainerAttachParameters { Stream = true, Stdin = true, Stdout = true, Stderr = true },
                cancellationToken);
            await _docker.Containers.StartContainerAsync(created.ID, new ContainerStartParameters(), cancellationToken);
            await stream.WriteAsync(_payload, 0, _payload.Length, cancellationToken);
            stream.CloseWrite();
            var (stdout, _) = await stream.ReadOutputToEndAsync(cancellationToken);
            var exit = await _docker.Containers.WaitContainerAsync(created.ID, cancellationToken);
            return exit.StatusCode != 0 ? new Outcome("cold", false, "502 ContainerExit", $"exit code {exit.StatusCode}")
                : stdout.Length != _payload.Length ? new Outcome("cold", false, "wrong output", $"{stdout.Length} characters echoed")
                : Outcome.Success("cold");
        }
        finally
        {
            await _docker.Containers.RemoveContainerAsync(created.ID, new ContainerRemoveParameters { Force = true, RemoveVolumes = true }, CancellationToken.None);
        }
    }

    public async Task<Outcome> HotAsync(CancellationToken cancellationToken)
    {
        var client = await _idle.Reader.ReadAsync(cancellationToken);
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "call") { Content = new ByteArrayContent(_payload) };
            request.Headers.TryAddWithoutValidation("Fn-Call-Id", Guid.CreateVersion7().ToString("N"));
            request.Headers.TryAddWithoutValidation("Fn-Deadline", DateTime.UtcNow.AddSeconds(30).ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            using var response = await client.SendAsync(request, cancellationToken);
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken);
            return !response.IsSuccessStatusCode ? new Outcome("hot", false, $"{(int)response.StatusCode} (bare)", response.ReasonPhrase)
                : body.Length != _payload.Length ? new Outcome("hot", false, "wrong output", $"{body.Length} bytes echoed")
                : Outcome.Success("hot");
        }
        finally
        {
            _idle.Writer.TryWrite(client);
        }
    }

    public void Dispose()
    {
        foreach (var client in _clients)
        {
            client.Dispose();
        }

        _docker.Dispose();
    }

    private static HttpClient CreateClient(string socketPath) => new(new SocketsHttpHandler
    {
        ConnectCallback = async (_, cancellationToken) =>
        {
            var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            try
            {
                await socket.ConnectAsync(new UnixDomainSocketEndPoint(socketPath), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
        UseProxy = false,
    })
    {
        BaseAddress = new Uri("http://localhost/"),
    };

    private static CreateContainerParameters Parameters() => new()
    {
        Image = EchoCalls.BusyboxImage,
        Cmd = ["cat"],
        AttachStdin = true,
        AttachStdout = true,
        AttachStderr = true,
        OpenStdin = true,
        StdinOnce = true,
        Labels = new Dictionary<string, string> { ["fnpipeline.loadtests"] = "true" },
        HostConfig = new HostConfig
        {
            NetworkMode = "none",
            Memory = MemoryBytes,
            MemorySwap = MemoryBytes,
            MemorySwappiness = 0,
            ReadonlyRootfs = true,
            Tmpfs = new Dictionary<string, string> { ["/tmp"] = "" },
            Init = true,
            LogConfig = new LogConfig { Type = "none", Config = new Dictionary<string, string>() },
        },
    };
}
