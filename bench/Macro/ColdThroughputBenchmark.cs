using BenchmarkDotNet.Attributes;
using Docker.DotNet;
using FnPipeline.Benchmarks.Infrastructure;

namespace FnPipeline.Benchmarks.Macro;

/// <summary>
/// Cold throughput: N concurrent callers share a batch of <see cref="CallsPerBatch"/> calls; Calls/s is the aggregate
/// rate. The executor (default stage settings) vs (a) N concurrent bare Docker.DotNet sequences [Baseline].
/// Target: at 4 and 8 callers, executor ≥ (a).
/// </summary>
[MacroThroughputJob]
[CallsPerSecondColumn]
[RequiresEngine(EngineFeature.Cold)]
public class ColdThroughputBenchmark
{
    public const int CallsPerBatch = 16;
    private readonly byte[] _payload = BenchEngine.Payload(1024);
    private DockerClient _client = null!;
    private BareDockerCall _bare = null!;
    private FnExecutor _executor = null!;
    private FunctionCall _call = null!;

    [Params(4, 8)]
    public int Callers { get; set; }

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _client = BenchEngine.CreateDockerClient();
        _bare = new BareDockerCall(_client, BenchEngine.BenchLabel);
        _executor = BenchEngine.CreateExecutor("coldtp");
        _call = BenchEngine.ColdCall(_payload);
        await _executor.StartAsync();
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        await BenchEngine.DisposeExecutorAsync(_executor);
        _client.Dispose();
    }

    // BenchmarkDotNet divides by OperationsPerInvoke, a constant: every batch has CallsPerBatch calls whatever Callers is.
    [Benchmark(Baseline = true, OperationsPerInvoke = CallsPerBatch)]
    public Task BareDockerDotNet() => BenchEngine.RunCallersAsync(Callers, CallsPerBatch / Callers, () => _bare.EchoAsync(_payload));

    [Benchmark(OperationsPerInvoke = CallsPerBatch)]
    public Task FnExecutorCalls() => BenchEngine.RunCallersAsync(Callers, CallsPerBatch / Callers, async () =>
    {
        using var result = await _executor.InvokeAsync(_call);
        BenchEngine.EnsureEcho(result, _payload.Length);
    });
}
