using BenchmarkDotNet.Attributes;
using Docker.DotNet;
using FnPipeline.Benchmarks.Infrastructure;

namespace FnPipeline.Benchmarks.Macro;

/// <summary>
/// One cold call at a time (busybox <c>cat</c>, 1 KB in and out), the same container on every side:
/// the executor vs (a) the bare Docker.DotNet sequence [Baseline] vs (b) <c>docker run --rm -i</c> through CliWrap.
/// Targets: median ≤ 1.10× (a) and below (b).
/// </summary>
[MacroJob]
[CallsPerSecondColumn]
[RequiresEngine(EngineFeature.Cold)]
public class ColdCallBenchmark
{
    private readonly byte[] _payload = BenchEngine.Payload(1024);
    private DockerClient _client = null!;
    private BareDockerCall _bare = null!;
    private FnExecutor _executor = null!;
    private FunctionCall _call = null!;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _client = BenchEngine.CreateDockerClient();
        _bare = new BareDockerCall(_client, BenchEngine.BenchLabel);
        _executor = BenchEngine.CreateExecutor("cold");
        _call = BenchEngine.ColdCall(_payload);
        await _executor.StartAsync();
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await BenchEngine.DisposeExecutorAsync(_executor);
        _client.Dispose();
    }

    [Benchmark(Baseline = true)]
    public Task<int> BareDockerDotNet() => _bare.EchoAsync(_payload);

    [Benchmark]
    public async Task<int> FnExecutorCall()
    {
        using var result = await _executor.InvokeAsync(_call);
        BenchEngine.EnsureEcho(result, _payload.Length);
        return result.Output.Length;
    }

    [Benchmark]
    public Task<int> DockerRunCliWrap() => BareDockerCall.DockerRunEchoAsync(BenchEngine.Endpoint, BenchEngine.BenchLabel, _payload);
}
