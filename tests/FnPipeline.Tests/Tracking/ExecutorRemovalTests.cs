using FnPipeline.Tests.Fakes;
using FnPipeline.Tests.HotPool.Fakes;

namespace FnPipeline.Tests.Tracking;

/// <summary>Removal as the executor does it: detached from the call, retried while the engine is away, drained at shutdown.</summary>
public sealed class ExecutorRemovalTests
{
    [Fact]
    public async Task ColdCall_EngineAwayAtCleanup_CallAnsweredSlotFreed_ContainerRemovedOnceTheEngineReturns()
    {
        var engineAway = true;
        var driver = new FakeContainerDriver { RemovalFailure = _ => Volatile.Read(ref engineAway) ? new HttpRequestException("engine away") : null };
        await using var executor = new FnExecutor(new FnPipelineOptions { InstanceId = "removal" }, driver, null, null, null);

        using var result = await executor.InvokeAsync(new FunctionCall { Image = "fnpipeline/testfn", Input = CallInput.FromString("x") });

        result.Status.ShouldBe(InvocationStatus.Success);
        await Eventually.HoldsAsync(() => executor.ColdContainersInUse == 0 && driver.RemovalAttempts >= 3);
        driver.Removed.ShouldBe(0);
        driver.Tracker.Count.ShouldBe(1);

        Volatile.Write(ref engineAway, false);

        await Eventually.HoldsAsync(() => driver.Removed == 1 && driver.Tracker.Count == 0);
    }

    [Fact]
    public async Task Dispose_EngineStillAway_WaitsTheRemovalDrainBoundThenLogsTheContainerById()
    {
        var time = new TimerRecordingTimeProvider();
        using var logs = new ListLoggerFactory();
        var bound = TimeSpan.FromSeconds(20);
        var driver = new FakeContainerDriver(time, logs.CreateLogger("FnPipeline.Containers"))
        {
            RemovalFailure = _ => new HttpRequestException("engine away"),
            RemovalDrainTimeout = bound,
        };
        var executor = new FnExecutor(new FnPipelineOptions { InstanceId = "drain" }, driver, null, null, null);
        using (var result = await executor.InvokeAsync(new FunctionCall { Image = "fnpipeline/testfn", Input = CallInput.FromString("x") }))
        {
            result.Status.ShouldBe(InvocationStatus.Success);
        }

        await Eventually.HoldsAsync(() => executor.ColdContainersInUse == 0);
        var id = driver.Tracker.TrackedIds.Single();

        var disposal = executor.DisposeAsync().AsTask();
        await time.WaitForTimerAsync(bound);
        disposal.IsCompleted.ShouldBeFalse();
        time.Advance(bound);

        await disposal.WaitAsync(TimeSpan.FromSeconds(10));
        logs.WithEvent(404).Single().Message.ShouldStartWith($"Could not remove container {id} (default) before shutdown");
    }

    [Fact]
    public async Task HotIdleContainer_StateUnreadable_NotReportedExited_PlaceFreed_DirectoryKeptUntilTheEngineConfirms()
    {
        await using var sut = HotPoolHarness.Create();
        using (var first = await sut.InvokeAsync(HotPoolHarness.Call()))
        {
            first.Status.ShouldBe(InvocationStatus.Success);
        }

        var engineAway = true;
        sut.Driver.RemovalFailure = _ => Volatile.Read(ref engineAway) ? new HttpRequestException("engine away") : null;
        var container = sut.Driver.Containers[0];

        container.LoseState(new HttpRequestException("connection to the engine reset"));

        await Eventually.HoldsAsync(() => sut.Dispatcher.Containers == 0 && sut.Driver.Tracker.Count == 1);
        sut.Logs.WithEvent(241).Single().Message.ShouldContain("connection to the engine reset");
        sut.Logs.WithEvent(219).ShouldBeEmpty();
        container.IsRemoved.ShouldBeFalse();
        Directory.Exists(container.SocketDirectory).ShouldBeTrue();

        Volatile.Write(ref engineAway, false);

        await Eventually.HoldsAsync(() => container.IsRemoved && sut.Driver.Tracker.Count == 0 && !Directory.Exists(container.SocketDirectory));
        using var next = await sut.InvokeAsync(HotPoolHarness.Call("again"));
        next.OutputAsString().ShouldBe("again");
        next.ContainerId.ShouldNotBe(container.Id);
    }

    [Fact]
    public async Task HotCall_BrokenAndStateUnreadable_ThrowsEngineException_ContainerReplaced()
    {
        await using var sut = HotPoolHarness.Create();
        sut.Driver.Functions = _ => new FakeFunction
        {
            Handler = (container, request, _) =>
            {
                if (request.BodyText == "break")
                {
                    container.LoseState(new HttpRequestException("connection to the engine reset"));
                    return Task.FromResult(new FakeResponse { Drop = true });
                }

                return Task.FromResult(new FakeResponse { Body = request.Body });
            },
        };

        var thrown = await Should.ThrowAsync<FnEngineException>(() => sut.InvokeAsync(HotPoolHarness.Call("break", c => c.Image = "fake/broken:1")));

        thrown.Message.ShouldStartWith("The engine failed while reading the state of the hot container of image 'fake/broken:1' after its call broke");
        thrown.Message.ShouldEndWith("connection to the engine reset");
        await Eventually.HoldsAsync(() => sut.Dispatcher.Containers == 0 && sut.Driver.Alive == 0);
        using var next = await sut.InvokeAsync(HotPoolHarness.Call("after", c => c.Image = "fake/broken:1"));
        next.OutputAsString().ShouldBe("after");
    }
}
