using FnPipeline.Tests.Fakes;
using FnPipeline.Tests.HotPool.Fakes;

namespace FnPipeline.Tests.HotPool;

public sealed class HotCallDispatcherLimitTests
{
    [Theory]
    [InlineData(1, 4)]
    [InlineData(3, 10)]
    [InlineData(8, 8)]
    public async Task InvokeAsync_ConcurrentCalls_StartAtMostThePerFunctionLimit(int limit, int calls)
    {
        await using var sut = HotPoolHarness.Create(o => o.Hot.MaxContainersPerFunction = limit);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        sut.Driver.Functions = _ => new FakeFunction
        {
            Handler = async (_, request, _) =>
            {
                await release.Task;
                return new FakeResponse { Body = request.Body };
            },
        };

        var running = Enumerable.Range(0, calls).Select(i => sut.InvokeAsync(HotPoolHarness.Call($"c{i}"))).ToList();
        await Eventually.HoldsAsync(() => sut.Driver.Created == Math.Min(limit, calls), "containers launched");
        await Eventually.HoldsAsync(() => sut.Dispatcher.Waiting == calls - Math.Min(limit, calls), "the rest wait");
        release.SetResult();
        var results = await Task.WhenAll(running);

        results.ShouldAllBe(r => r.Status == InvocationStatus.Success);
        sut.Driver.Created.ShouldBe(Math.Min(limit, calls));
        sut.Driver.MaxAlive.ShouldBeLessThanOrEqualTo(limit);
        foreach (var result in results)
        {
            result.Dispose();
        }
    }

    [Fact]
    public async Task InvokeAsync_NoContainerInTime_Returns503TooBusy()
    {
        await using var sut = HotPoolHarness.CreateWithFakeTime(o =>
        {
            o.Hot.MaxContainersPerFunction = 1;
            o.StartTimeout = TimeSpan.FromSeconds(2);
        });
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        sut.Driver.Functions = _ => new FakeFunction
        {
            Handler = async (_, request, _) =>
            {
                await release.Task;
                return new FakeResponse { Body = request.Body };
            },
        };
        var busy = sut.InvokeAsync(HotPoolHarness.Call("busy", c => c.Timeout = TimeSpan.FromSeconds(60)) with { FunctionName = "late-fn" });
        await Eventually.HoldsAsync(() => sut.RequestsReceived == 1, "the first call runs");

        // The wait for a container is bounded by the start bound, not by the call's (longer) timeout.
        var waiting = sut.InvokeAsync(HotPoolHarness.Call("late", c => c.Timeout = TimeSpan.FromSeconds(60)) with { FunctionName = "late-fn" });
        await Eventually.HoldsAsync(() => sut.Dispatcher.Waiting == 1, "the second call waits");
        sut.FakeTime.Advance(TimeSpan.FromSeconds(2));
        using var late = await waiting;

        late.Status.ShouldBe(InvocationStatus.Error);
        late.Error!.Kind.ShouldBe(FnErrorKind.TooBusy);
        late.Error.StatusCode.ShouldBe(503);
        late.Error.IsRetryable.ShouldBeTrue();
        late.Error.Message.ShouldStartWith("Timed out - server too busy: no container of function 'late-fn' (image 'fake/fn:1') became free within 2 s");
        release.SetResult();
        using var first = await busy;
        first.IsSuccess.ShouldBeTrue();
        sut.Driver.Created.ShouldBe(1);
    }

    [Fact]
    public async Task InvokeAsync_WaitingCall_GetsTheContainerWhenItIsReleased()
    {
        await using var sut = HotPoolHarness.Create(o => o.Hot.MaxContainersPerFunction = 1);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        sut.Driver.Functions = _ => new FakeFunction
        {
            Handler = async (_, request, _) =>
            {
                if (request.BodyText == "slow")
                {
                    await release.Task;
                }

                return new FakeResponse { Body = request.Body };
            },
        };
        var slow = sut.InvokeAsync(HotPoolHarness.Call("slow"));
        await Eventually.HoldsAsync(() => sut.RequestsReceived == 1, "the slow call runs");
        var queued = sut.InvokeAsync(HotPoolHarness.Call("queued"));
        await Eventually.HoldsAsync(() => sut.Dispatcher.Waiting == 1, "the second call waits");

        release.SetResult();
        using var a = await slow;
        using var b = await queued;

        b.IsSuccess.ShouldBeTrue(b.ToString());
        b.ContainerId.ShouldBe(a.ContainerId);
        b.Timings.Queue.ShouldBeGreaterThan(TimeSpan.Zero);
    }

    [Fact]
    public async Task InvokeAsync_ExecutorLimitReached_EvictsAnotherFunctionsIdleContainer()
    {
        await using var sut = HotPoolHarness.Create(o =>
        {
            o.Hot.MaxContainers = 1;
            o.Hot.MaxContainersPerFunction = 1;
        });

        using var first = await sut.InvokeAsync(HotPoolHarness.Call("one", c => c.Image = "fake/one:1"));
        using var second = await sut.InvokeAsync(HotPoolHarness.Call("two", c => c.Image = "fake/two:1"));

        second.IsSuccess.ShouldBeTrue(second.ToString());
        sut.Driver.Created.ShouldBe(2);
        sut.Driver.MaxAlive.ShouldBe(1);
        sut.Logs.WithEvent(220).Count.ShouldBe(1);
    }

    [Fact]
    public async Task InvokeAsync_ExecutorLimitReached_WaitsForABusyContainerOfAnotherFunctionToIdle()
    {
        await using var sut = HotPoolHarness.Create(o =>
        {
            o.Hot.MaxContainers = 1;
            o.Hot.MaxContainersPerFunction = 1;
        });
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        sut.Driver.Functions = spec => new FakeFunction
        {
            Handler = async (_, request, _) =>
            {
                if (request.BodyText == "hold")
                {
                    await release.Task;
                }

                return new FakeResponse { Body = request.Body };
            },
        };
        var holder = sut.InvokeAsync(HotPoolHarness.Call("hold", c => c.Image = "fake/one:1"));
        await Eventually.HoldsAsync(() => sut.RequestsReceived == 1, "the first call runs");
        var other = sut.InvokeAsync(HotPoolHarness.Call("other", c => c.Image = "fake/two:1"));
        await Eventually.HoldsAsync(() => sut.Dispatcher.Waiting == 1, "the other function waits");

        release.SetResult();
        using var a = await holder;
        using var b = await other;

        b.IsSuccess.ShouldBeTrue(b.ToString());
        sut.Driver.MaxAlive.ShouldBe(1);
        sut.Driver.Created.ShouldBe(2);
    }

    [Fact]
    public async Task InvokeAsync_CallerCancelsWhileWaiting_ReturnsCancelledAndTheLaunchJoinsThePool()
    {
        await using var sut = HotPoolHarness.Create();
        var listen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        sut.Driver.Functions = _ => new FakeFunction { Start = FakeStart.NeverListen };
        using var cancel = new CancellationTokenSource();

        var call = sut.InvokeAsync(HotPoolHarness.Call(), cancellationToken: cancel.Token);
        await Eventually.HoldsAsync(() => sut.Driver.Created == 1, "the launch began");
        await cancel.CancelAsync();
        using var result = await call;

        result.Status.ShouldBe(InvocationStatus.Cancelled);
        result.Error!.StatusCode.ShouldBe(499);
    }
}
