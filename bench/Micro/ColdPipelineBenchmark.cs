using BenchmarkDotNet.Attributes;
using FnPipeline.Benchmarks.Infrastructure;
using FnPipeline.Driver;
using FnPipeline.Pipeline;

namespace FnPipeline.Benchmarks.Micro;

/// <summary>
/// The cold pipeline's own cost, without an engine: <see cref="FnExecutor"/> (validation, five bounded Dataflow stages,
/// pooled call state, timeout timer, slots) over an in-memory echo driver vs a plain loop that calls the same fake
/// driver steps directly [Baseline]. 1 KB in and out; a batch of <see cref="CallsPerBatch"/> calls per operation.
/// </summary>
[MicroJob]
[CallsPerSecondColumn]
public class ColdPipelineBenchmark
{
    public const int CallsPerBatch = 256;
    private readonly byte[] _payload = new byte[1024];
    private FnPipelineOptions _options = null!;
    private FakeContainerDriver _driver = null!;
    private ExecutorSettings _settings = null!;
    private ContainerSpecFactory _specs = null!;
    private FnExecutor _executor = null!;
    private FunctionCall _call = null!;

    [Params(1, 8)]
    public int Callers { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _options = new FnPipelineOptions { InstanceId = "bench", MaxContainers = 16 };
        _driver = new FakeContainerDriver(profile: FakeEngineProfile.Lean);
        _settings = ExecutorSettings.Resolve(_options);
        _specs = new ContainerSpecFactory(_settings);
        _executor = new FnExecutor(_options, _driver, hotFactory: null, loggerFactory: null, timeProvider: null);
        _call = new FunctionCall { Image = "fnpipeline/busybox:latest", Command = ["cat"], Input = CallInput.FromBytes(_payload) };
    }

    [GlobalCleanup]
    public Task CleanupAsync() => _executor.DisposeAsync().AsTask();

    [Benchmark(Baseline = true, OperationsPerInvoke = CallsPerBatch)]
    public Task DirectStages() => RunCallersAsync(DirectCallAsync);

    [Benchmark(OperationsPerInvoke = CallsPerBatch)]
    public Task FnExecutorFiveStages() => RunCallersAsync(async () =>
    {
        using var result = await _executor.InvokeAsync(_call);
        Check(result);
    });

    /// <summary>ensure-image → create → attach+start → wait → remove, with the same spec, sinks and result the pipeline builds.</summary>
    private async Task DirectCallAsync()
    {
        var callId = Guid.CreateVersion7().ToString("N");
        var resolved = _settings.Calls.Resolve(_call, callId);
        var spec = _specs.ForColdCall(resolved);
        await _driver.EnsureImageAsync(spec.Image, _call.RegistryCredentials);
        var container = await _driver.CreateContainerAsync(spec);
        using var stdout = new StdoutSink(resolved.MaxOutputBytes);
        using var stderr = new StderrSink(resolved.MaxStderrBytes);
        var running = await container.AttachAndStartAsync(new ContainerIo { Input = _call.Input, Stdout = stdout, Stderr = stderr });
        var exit = await running.WaitAsync();
        using var result = new InvocationResult(callId, exit.ExitCode == 0 ? InvocationStatus.Success : InvocationStatus.Error, null, stdout.Detach(), new StageTimings())
        {
            ExitCode = exit.ExitCode,
            Stderr = stderr.Text(),
            ContainerId = container.Id,
        };
        await container.DisposeAsync();
        Check(result);
    }

    private Task RunCallersAsync(Func<Task> call)
    {
        if (Callers == 1)
        {
            return Loop(call, CallsPerBatch);
        }

        var callers = new Task[Callers];
        for (var i = 0; i < callers.Length; i++)
        {
            callers[i] = Task.Run(() => Loop(call, CallsPerBatch / Callers));
        }

        return Task.WhenAll(callers);

        static async Task Loop(Func<Task> call, int count)
        {
            for (var i = 0; i < count; i++)
            {
                await call();
            }
        }
    }

    private void Check(InvocationResult result)
    {
        if (result.Status != InvocationStatus.Success || result.Output.Length != _payload.Length)
        {
            throw new InvalidOperationException($"unexpected result {result}");
        }
    }
}
