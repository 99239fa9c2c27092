using BenchmarkDotNet.Attributes;
using FnPipeline.Benchmarks.Infrastructure;

namespace FnPipeline.Benchmarks.Macro;

/// <summary>
/// Hot throughput: N concurrent callers and N hot containers of one function (1 KB echoes). The executor vs N plain
/// <see cref="HttpClient"/>s, one per container socket, caller i on container i [Baseline]. Calls/s is the aggregate.
/// </summary>
[MicroJob]
[CallsPerSecondColumn]
[RequiresEngine(EngineFeature.Hot)]
public class HotThroughputBenchmark
{
    public const int CallsPerBatch = 64;
    private readonly byte[] _payload = BenchEngine.Payload(1024);
    private FnExecutor _executor = null!;
    private FunctionCall _call = null!;
    private string _socketBase = null!;
    private HttpClient[] _bare = [];

    [Params(1, 4, 8)]
    public int Callers { get; set; }

    [GlobalSetup(Target = nameof(FnExecutorCalls))]
    public Task SetupExecutorAsync() => StartAsync();

    [GlobalSetup(Target = nameof(BareHttpClients))]
    public async Task SetupBareAsync()
    {
        await StartAsync();
        var sockets = HotSockets.Find(_socketBase);
        if (sockets.Count < Callers)
        {
            throw new InvalidOperationException($"{Callers} callers need {Callers} hot containers; the pool started {sockets.Count}");
        }

        await Task.Delay(HotSockets.ExecutorConnectionIdle);
        _bare = sockets.Take(Callers).Select(UnixSocketHttp.CreatePlainClient).ToArray();
    }

    [GlobalCleanup]
    public async Task CleanupAsync()
    {
        foreach (var client in _bare)
        {
            client.Dispose();
        }

        await BenchEngine.DisposeExecutorAsync(_executor);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = CallsPerBatch)]
    public Task BareHttpClients() => Task.WhenAll(Enumerable.Range(0, Callers).Select(i => Task.Run(async () =>
    {
        for (var n = 0; n < CallsPerBatch / Callers; n++)
        {
            await HotSockets.PostAsync(_bare[i], _payload);
        }
    })));

    [Benchmark(OperationsPerInvoke = CallsPerBatch)]
    public Task FnExecutorCalls() => BenchEngine.RunCallersAsync(Callers, CallsPerBatch / Callers, async () =>
    {
        using var result = await _executor.InvokeAsync(_call);
        BenchEngine.EnsureEcho(result, _payload.Length);
    });

    private async Task StartAsync()
    {
        _executor = BenchEngine.CreateExecutor("hottp", o =>
        {
            _socketBase = o.Hot.SocketBaseDirectory!;
            o.Hot.IdleTimeout = TimeSpan.FromMinutes(10);
            o.Hot.MaxContainersPerFunction = Math.Max(o.Hot.MaxContainersPerFunction ?? Callers, Callers);
        });
        _call = BenchEngine.HotCall(_payload);
        await HotSockets.WarmAsync(_executor, _call, Callers);
    }
}
