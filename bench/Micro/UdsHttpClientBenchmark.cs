using BenchmarkDotNet.Attributes;
using FnPipeline.Benchmarks.Infrastructure;
using FnPipeline.Protocol;

namespace FnPipeline.Benchmarks.Micro;

/// <summary>
/// One http-stream round trip (<c>POST /call</c> with a call id and deadline, 1 KB echoed) over a unix socket to an
/// in-process Kestrel server: FnPipeline's http-stream client (<see cref="HttpStreamClient"/> +
/// <see cref="HttpStreamExchange"/>: request built from the call, status contract, body streamed into a pooled buffer)
/// vs a plain <see cref="HttpClient"/> on the same socket that reads the body into an array [Baseline].
/// </summary>
[MicroJob]
[CallsPerSecondColumn]
public class UdsHttpClientBenchmark
{
    private readonly byte[] _payload = new byte[1024];
    private KestrelUdsServer _server = null!;
    private HttpClient _plain = null!;
    private HttpStreamClient _client = null!;
    private FunctionCall _call = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _server = await KestrelUdsServer.StartAsync();
        _plain = UnixSocketHttp.CreatePlainClient(_server.SocketPath);
        _client = new HttpStreamClient(_server.SocketPath, new HttpStreamClientOptions());
        _call = new FunctionCall { Image = "fnpipeline/testfn:latest", Format = FunctionFormat.HttpStream, Input = CallInput.FromBytes(_payload) };
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _plain.Dispose();
        _client.Dispose();
        await _server.DisposeAsync();
    }

    [Benchmark(Baseline = true)]
    public Task<int> PlainHttpClient() => BareHttpStreamCall.EchoAsync(_plain, _payload);

    [Benchmark]
    public async Task<int> FnPipelineClient()
    {
        var response = await HttpStreamExchange.SendAsync(
            _client, _call, Guid.CreateVersion7().ToString("N"), DateTimeOffset.UtcNow.AddSeconds(30), 64 * 1024 * 1024, CancellationToken.None);
        using var body = response.Body;
        return response.StatusCode == 200 && body?.WrittenCount == _payload.Length
            ? body.WrittenCount
            : throw new InvalidOperationException($"http-stream exchange: {response.StatusCode}, {body?.WrittenCount} bytes");
    }
}
