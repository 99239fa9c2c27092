using System.Threading.Channels;
using Docker.DotNet;
using FnPipeline.LoadTests.Load;
using FnPipeline.LoadTests.Scenarios;
using FnPipeline.Testing.Baselines;
using FnPipeline.Testing.Engine;
using FnPipeline.Testing.Sockets;

namespace FnPipeline.LoadTests.Baselines;

/// <summary>
/// The docker baseline: what a program would do without FnPipeline, the test kit's bare-Docker baseline. Cold:
/// <see cref="BareDockerCall"/> (create → attach → start → write stdin, read stdout → wait → remove with Docker.DotNet,
/// inline, for the same container the executor creates). Hot: <see cref="BareHttpStreamCall"/> over the executor's own
/// hot containers' sockets with plain <see cref="HttpClient"/>s, one per container, handed out through a channel of
/// idle clients.
/// </summary>
internal sealed class BareDockerPaths : IEchoPaths, IDisposable
{
    private readonly DockerClient _docker;
    private readonly BareDockerCall _cold;
    private readonly byte[] _payload;
    private readonly List<HttpClient> _clients;
    private readonly Channel<HttpClient> _idle;

    public BareDockerPaths(byte[] payload, IReadOnlyList<string> hotSockets)
    {
        _payload = payload;
        _docker = EngineFixture.CreateClient();
        _cold = new BareDockerCall(_docker, "fnpipeline.loadtests");
        _clients = hotSockets.Select(UnixSocketHttp.CreatePlainClient).ToList();
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
        var exit = await _cold.RunAsync(_payload, cancellationToken);
        return exit.ExitCode != 0 ? new Outcome("cold", false, "502 ContainerExit", $"exit code {exit.ExitCode}")
            : exit.OutputBytes != _payload.Length ? new Outcome("cold", false, "wrong output", $"{exit.OutputBytes} bytes echoed")
            : Outcome.Success("cold");
    }

    public async Task<Outcome> HotAsync(CancellationToken cancellationToken)
    {
        var client = await _idle.Reader.ReadAsync(cancellationToken);
        try
        {
            var response = await BareHttpStreamCall.PostAsync(client, _payload, cancellationToken);
            return !response.IsSuccess ? new Outcome("hot", false, $"{response.Status} (bare)", response.Reason)
                : response.BodyBytes != _payload.Length ? new Outcome("hot", false, "wrong output", $"{response.BodyBytes} bytes echoed")
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
}
