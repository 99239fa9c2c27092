using FnPipeline.Tests.Fakes;
using FnPipeline.Tests.HotPool.Fakes;

namespace FnPipeline.Tests.HotPool;

public sealed class HotCallDispatcherShutdownTests
{
    [Fact]
    public async Task DisposeAsync_LetsInFlightCallsFinishThenRemovesEverything()
    {
        await using var sut = HotPoolHarness.Create();
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
        using (await sut.InvokeAsync(HotPoolHarness.Call("warm", c => c.Image = "fake/other:1")))
        {
        }

        var inFlight = sut.InvokeAsync(HotPoolHarness.Call("slow"));
        await Eventually.HoldsAsync(() => sut.RequestsReceived == 2, "the slow call runs");

        var disposal = sut.Dispatcher.DisposeAsync(TimeSpan.FromSeconds(30)).AsTask();
        using var refused = await sut.InvokeAsync(HotPoolHarness.Call("late"));
        disposal.IsCompleted.ShouldBeFalse();
        release.SetResult();
        using var finished = await inFlight;
        await disposal;

        finished.OutputAsString().ShouldBe("slow");
        refused.Error!.Kind.ShouldBe(FnErrorKind.ShuttingDown);
        refused.Error.StatusCode.ShouldBe(503);
        sut.Driver.Alive.ShouldBe(0);
        sut.SocketDirectories().ShouldBeEmpty();
        sut.Dispatcher.Containers.ShouldBe(0);
    }

    [Fact]
    public async Task DisposeAsync_PastTheDrainTimeout_AbortsRunningCalls()
    {
        await using var sut = HotPoolHarness.CreateWithFakeTime();
        sut.Driver.Functions = _ => new FakeFunction
        {
            Handler = async (_, _, token) =>
            {
                // The function's work: it runs until its call is cancelled (the fake's behaviour, not a wait of the test).
                await Task.Delay(Timeout.Infinite, token);
                return new FakeResponse();
            },
        };
        var call = sut.InvokeAsync(HotPoolHarness.Call("stuck", c => c.Timeout = TimeSpan.FromMinutes(5)));
        await Eventually.HoldsAsync(() => sut.RequestsReceived == 1, "the call runs");

        // DisposeAsync returns parked on the drain wait, a timer of the fake clock: nothing ends it but the call or Advance.
        var disposal = sut.Dispatcher.DisposeAsync(TimeSpan.FromSeconds(5)).AsTask();
        disposal.IsCompleted.ShouldBeFalse();
        call.IsCompleted.ShouldBeFalse("the call runs on during the drain");
        sut.FakeTime.Advance(TimeSpan.FromSeconds(4.9));
        disposal.IsCompleted.ShouldBeFalse("the drain lasts 5 s");
        sut.Logs.WithEvent(214).ShouldBeEmpty();
        sut.FakeTime.Advance(TimeSpan.FromSeconds(0.1));
        using var result = await call;
        await disposal;

        result.Error!.Kind.ShouldBe(FnErrorKind.ShuttingDown);
        sut.Driver.Alive.ShouldBe(0);
        sut.SocketDirectories().ShouldBeEmpty();
        sut.Logs.WithEvent(214).Count.ShouldBe(1);
    }

    [Fact]
    public async Task DisposeAsync_WhileALaunchIsStarting_RemovesTheStartingContainer()
    {
        await using var sut = HotPoolHarness.CreateWithFakeTime();
        sut.Driver.Functions = _ => new FakeFunction { Start = FakeStart.NeverListen };
        var call = sut.InvokeAsync(HotPoolHarness.Call());
        await Eventually.HoldsAsync(() => sut.Driver.Events.Any(e => e.StartsWith("start", StringComparison.Ordinal)), "the container started");

        var disposal = sut.Dispatcher.DisposeAsync(TimeSpan.FromSeconds(1)).AsTask();
        sut.FakeTime.Advance(TimeSpan.FromSeconds(1));
        using var result = await call;
        await disposal;

        result.Error!.Kind.ShouldBe(FnErrorKind.ShuttingDown);
        sut.Driver.Alive.ShouldBe(0);
        sut.SocketDirectories().ShouldBeEmpty();
    }

    [Fact]
    public async Task DisposeAsync_Twice_WaitsForTheSameDisposal()
    {
        await using var sut = HotPoolHarness.Create();
        using (await sut.InvokeAsync(HotPoolHarness.Call()))
        {
        }

        var first = sut.Dispatcher.DisposeAsync(TimeSpan.FromSeconds(5)).AsTask();
        var second = sut.Dispatcher.DisposeAsync(TimeSpan.FromSeconds(5)).AsTask();
        await Task.WhenAll(first, second);

        sut.Driver.Alive.ShouldBe(0);
    }
}
