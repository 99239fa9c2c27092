using FnPipeline.Driver;
using FnPipeline.HotPool;
using FnPipeline.Tests.Fakes;
using FnPipeline.Tests.HotPool.Fakes;
using FnPipeline.Tracking;

namespace FnPipeline.Tests.Lifetime;

/// <summary>
/// The one cancellation rule, at the executor's door: a caller's cancelled token always comes back as a
/// <see cref="InvocationStatus.Cancelled"/> result (499), never as an exception, on both lanes and at every point of a call.
/// </summary>
public sealed class ExecutorCancellationTests
{
    private static FunctionCall ColdCall() => new() { Image = "fnpipeline/testfn:latest", Input = CallInput.FromString("hi") };

    private static void ShouldBeCancelled(InvocationResult result)
    {
        result.Status.ShouldBe(InvocationStatus.Cancelled);
        result.Error.ShouldBe(new FnError(FnErrorKind.Cancelled, 499, "The call was cancelled by its caller"));
    }

    [Fact]
    public async Task Cold_CancelledBeforeTheCall_IsACancelledResultWithNoEngineWork()
    {
        var driver = new FakeContainerDriver();
        await using var executor = new FnExecutor(new FnPipelineOptions { InstanceId = "cancel-before" }, driver, null, null, null);

        using var result = await executor.InvokeAsync(ColdCall(), new CancellationToken(canceled: true));

        ShouldBeCancelled(result);
        driver.Initializations.ShouldBe(0);
        driver.Events.ShouldBeEmpty();
    }

    [Fact]
    public async Task Cold_CancelledWhileTheExecutorStarts_IsACancelledResult()
    {
        // A slow engine: its start-up waits on the gate.
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var driver = new FakeContainerDriver { Initialization = token => gate.Task.WaitAsync(token) };
        await using var executor = new FnExecutor(new FnPipelineOptions { InstanceId = "cancel-start" }, driver, null, null, null);
        using var cancel = new CancellationTokenSource();

        var call = executor.InvokeAsync(ColdCall(), cancel.Token);
        await Eventually.HoldsAsync(() => driver.Initializations == 1, "the first call starts the executor");
        await cancel.CancelAsync();
        using var result = await call;

        ShouldBeCancelled(result);
        driver.Events.ShouldBeEmpty();

        // The start was abandoned, not broken: the next call starts the executor again and runs.
        driver.Initialization = null;
        using var next = await executor.InvokeAsync(ColdCall());
        next.Status.ShouldBe(InvocationStatus.Success);
    }

    [Fact]
    public async Task Cold_CancelledWhileQueued_IsACancelledResultAndCreatesNothing()
    {
        var driver = new FakeContainerDriver { RunGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        await using var executor = new FnExecutor(new FnPipelineOptions { InstanceId = "cancel-queued", MaxContainers = 1 }, driver, null, null, null);
        using var cancel = new CancellationTokenSource();

        var first = executor.InvokeAsync(ColdCall());
        await Eventually.HoldsAsync(() => driver.StartsBegun == 1, "the first call holds the only container");
        var queued = executor.InvokeAsync(ColdCall(), cancel.Token);
        await Eventually.HoldsAsync(() => executor.ColdQueuedCalls == 1, "the second call waits for a container");
        await cancel.CancelAsync();
        using var result = await queued;

        ShouldBeCancelled(result);
        driver.Created.ShouldBe(1);
        driver.RunGate.SetResult();
        using var done = await first;
        done.Status.ShouldBe(InvocationStatus.Success);
    }

    [Fact]
    public async Task Cold_CancelledWhileRunning_IsACancelledResultAndTheContainerGoes()
    {
        var driver = new FakeContainerDriver { RunGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        await using var executor = new FnExecutor(new FnPipelineOptions { InstanceId = "cancel-run" }, driver, null, null, null);
        using var cancel = new CancellationTokenSource();

        var call = executor.InvokeAsync(ColdCall(), cancel.Token);
        await Eventually.HoldsAsync(() => driver.StartsBegun == 1, "the container runs");
        await cancel.CancelAsync();
        using var result = await call;

        ShouldBeCancelled(result);
        await Eventually.HoldsAsync(() => driver.Removed == 1, "the container is removed");
    }

    [Fact]
    public async Task Hot_CancelledBeforeTheCall_IsACancelledResultAndLeavesTheIdleContainerAlone()
    {
        await using var hot = HotExecutor.Create();
        using (var warm = await hot.Executor.InvokeAsync(HotPoolHarness.Call()))
        {
            warm.Status.ShouldBe(InvocationStatus.Success);
        }

        using var result = await hot.Executor.InvokeAsync(HotPoolHarness.Call(), new CancellationToken(canceled: true));

        ShouldBeCancelled(result);
        hot.Driver.Alive.ShouldBe(1);
        using var next = await hot.Executor.InvokeAsync(HotPoolHarness.Call());
        next.Status.ShouldBe(InvocationStatus.Success);
        hot.Driver.Created.ShouldBe(1);
    }

    [Fact]
    public async Task Hot_CancelledWhileQueued_IsACancelledResult()
    {
        await using var hot = HotExecutor.Create(o => o.Hot.MaxContainersPerFunction = 1);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        hot.Driver.Functions = _ => new FakeFunction
        {
            Handler = async (_, request, _) =>
            {
                await release.Task;
                return new FakeResponse { Body = request.Body };
            },
        };
        using var cancel = new CancellationTokenSource();

        var first = hot.Executor.InvokeAsync(HotPoolHarness.Call());
        await Eventually.HoldsAsync(() => hot.Driver.Containers.Sum(c => c.Server?.Requests.Count ?? 0) == 1, "the first call holds the only container");
        var queued = hot.Executor.InvokeAsync(HotPoolHarness.Call(), cancel.Token);
        await Eventually.HoldsAsync(() => hot.Dispatcher.Waiting == 1, "the second call waits for a container");
        await cancel.CancelAsync();
        using var result = await queued;

        ShouldBeCancelled(result);
        release.SetResult();
        using var done = await first;
        done.Status.ShouldBe(InvocationStatus.Success);
        hot.Driver.Created.ShouldBe(1);
    }

    [Fact]
    public async Task Hot_CancelledWhileRunning_IsACancelledResultAndTheContainerGoes()
    {
        await using var hot = HotExecutor.Create();
        hot.Driver.Functions = _ => new FakeFunction
        {
            Handler = async (_, _, token) =>
            {
                // The function's work: it runs until its call is cancelled (the fake's behaviour, not a wait of the test).
                await Task.Delay(Timeout.Infinite, token);
                return new FakeResponse();
            },
        };
        using var cancel = new CancellationTokenSource();

        var call = hot.Executor.InvokeAsync(HotPoolHarness.Call(), cancel.Token);
        await Eventually.HoldsAsync(() => hot.Driver.Containers.Sum(c => c.Server?.Requests.Count ?? 0) == 1, "the call reached the container");
        await cancel.CancelAsync();
        using var result = await call;

        ShouldBeCancelled(result);
        await Eventually.HoldsAsync(() => hot.Driver.Alive == 0, "the container is removed");
    }

    /// <summary>An executor whose hot lane runs on the fake hot engine, with its own socket directory.</summary>
    private sealed class HotExecutor : IAsyncDisposable
    {
        private HotExecutor(FnPipelineOptions options)
        {
            Options = options;
            var settings = ExecutorSettings.Resolve(options);
            Executor = new FnExecutor(
                settings,
                Driver,
                (specs, metrics) => Dispatcher = HotCallDispatcher.Create(Driver, settings.Hot, specs, metrics, TimeProvider.System, Logs),
                Logs,
                TimeProvider.System);
        }

        public FnPipelineOptions Options { get; }

        public ListLoggerFactory Logs { get; } = new();

        public FakeContainerDriver Driver { get; } = new();

        public HotCallDispatcher Dispatcher { get; private set; } = null!;

        public FnExecutor Executor { get; }

        public static HotExecutor Create(Action<FnPipelineOptions>? configure = null)
        {
            var options = new FnPipelineOptions { InstanceId = "cancel-hot", DrainTimeout = TimeSpan.FromSeconds(5) };
            options.Hot.SocketBaseDirectory = Path.Join("/tmp", "fnpc-" + Guid.NewGuid().ToString("N")[..8]);
            Directory.CreateDirectory(options.Hot.SocketBaseDirectory);
            options.Hot.StartTimeout = TimeSpan.FromSeconds(30);
            configure?.Invoke(options);
            return new HotExecutor(options);
        }

        public async ValueTask DisposeAsync()
        {
            await Executor.DisposeAsync();
            Directory.Delete(Options.Hot.SocketBaseDirectory!, recursive: true);
        }
    }
}
