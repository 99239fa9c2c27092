using BenchmarkDotNet.Attributes;
using FnPipeline.Benchmarks.Infrastructure;

namespace FnPipeline.Benchmarks.Micro;

/// <summary>
/// One http-stream round trip (<c>POST /call</c>, 1 KB echoed) over a unix socket to an in-process Kestrel server:
/// FnPipeline's http-stream client vs a plain <see cref="HttpClient"/> on the same socket [Baseline].
/// </summary>
[MicroJob]
[CallsPerSecondColumn]
public class UdsHttpClientBenchmark
{
    private readonly byte[] _payload = new byte[1024];
    private KestrelUdsServer _server = null!;
    private HttpClient _plain = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _server = await KestrelUdsServer.StartAsync();
        _plain = UnixSocketHttp.CreatePlainClient(_server.SocketPath);
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _plain.Dispose();
        await _server.DisposeAsync();
    }

    [Benchmark(Baseline = true, Description = "plain HttpClient")]
    public Task<int> PlainHttpClient() => UnixSocketHttp.PostCallAsync(_plain, _payload);
}
