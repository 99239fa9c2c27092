using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using FnPipeline.Benchmarks.Infrastructure;

namespace FnPipeline.Benchmarks.Macro;

/// <summary>
/// One hot call at a time, 1 KB echoed by the NativeAOT test function in http-stream mode: the executor's call vs the
/// same request over the same container's unix socket with a plain <see cref="HttpClient"/> [Baseline].
/// Targets: median ≤ 1.3× the bare round trip; at most 4 KB allocated per executor call (tracing off). The traced
/// variant records every span of the executor (as an OpenTelemetry SDK sampling all would): its cost over the untraced
/// call is the price of tracing (target ≤ 10 %).
/// </summary>
[MicroJob]
[CallsPerSecondColumn]
[RequiresEngine(EngineFeature.Hot)]
public class HotCallBenchmark
{
    private readonly byte[] _payload = BenchEngine.Payload(1024);
    private FnExecutor _executor = null!;
    private FunctionCall _call = null!;
    private string _socketBase = null!;
    private HttpClient? _bare;
    private ActivityListener? _tracing;

    [GlobalSetup(Target = nameof(FnExecutorCall))]
    public Task SetupExecutorAsync() => StartAsync();

    [GlobalSetup(Target = nameof(FnExecutorCallTraced))]
    public Task SetupTracedAsync()
    {
        _tracing = new ActivityListener
        {
            ShouldListenTo = source => source.Name == FnPipelineTelemetry.ActivitySourceName,
            Sample = static (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(_tracing);
        return StartAsync();
    }

    [GlobalSetup(Target = nameof(BareHttpClient))]
    public async Task SetupBareAsync()
    {
        await StartAsync();
        var socket = HotSockets.Find(_socketBase).Single();
        await Task.Delay(HotSockets.ExecutorConnectionIdle);
        _bare = UnixSocketHttp.CreatePlainClient(socket);
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        _bare?.Dispose();
        _tracing?.Dispose();
        await BenchEngine.DisposeExecutorAsync(_executor);
    }

    [Benchmark(Baseline = true)]
    public Task<int> BareHttpClient() => HotSockets.PostAsync(_bare!, _payload);

    [Benchmark]
    public async Task<int> FnExecutorCall()
    {
        using var result = await _executor.InvokeAsync(_call);
        BenchEngine.EnsureEcho(result, _payload.Length);
        return result.Output.Length;
    }

    [Benchmark]
    public Task<int> FnExecutorCallTraced() => FnExecutorCall();

    private async Task StartAsync()
    {
        _executor = BenchEngine.CreateExecutor("hot", o =>
        {
            _socketBase = o.Hot.SocketBaseDirectory!;
            // The bare case leaves the container idle while it measures: keep it.
            o.Hot.IdleTimeout = TimeSpan.FromMinutes(10);
        });
        _call = BenchEngine.HotCall(_payload);
        await HotSockets.WarmAsync(_executor, _call, containers: 1);
    }
}
