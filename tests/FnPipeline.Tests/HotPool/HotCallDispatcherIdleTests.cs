using FnPipeline.Tests.Fakes;
using FnPipeline.Tests.HotPool.Fakes;

namespace FnPipeline.Tests.HotPool;

public sealed class HotCallDispatcherIdleTests
{
    [Fact]
    public async Task IdleTimeout_RemovesTheContainerAndItsDirectory()
    {
        await using var sut = HotPoolHarness.CreateWithFakeTime(o => o.Hot.IdleTimeout = TimeSpan.FromSeconds(30));
        using (var result = await sut.InvokeAsync(HotPoolHarness.Call()))
        {
            result.IsSuccess.ShouldBeTrue();
        }

        // The fake clock runs due timers inside Advance, and a removal takes the container off its stack at once:
        // still stacked right after Advance means no idle step was due.
        sut.FakeTime.Advance(TimeSpan.FromSeconds(29));
        sut.Dispatcher.Idle.ShouldBe(1, "not removed before its idle timeout");
        sut.Driver.Alive.ShouldBe(1);

        sut.FakeTime.Advance(TimeSpan.FromSeconds(1));
        sut.Dispatcher.Idle.ShouldBe(0, "taken off its stack when the idle timeout fired");
        await Eventually.HoldsAsync(() => sut.Driver.Alive == 0, "the idle container removed");
        await Eventually.HoldsAsync(() => sut.SocketDirectories().Count == 0, "its directory deleted");
        await Eventually.HoldsAsync(() => sut.Dispatcher.Pools == 0, "the empty pool retired");
    }

    [Fact]
    public async Task IdleTimeout_CountsFromTheLastCall()
    {
        await using var sut = HotPoolHarness.CreateWithFakeTime(o => o.Hot.IdleTimeout = TimeSpan.FromSeconds(30));
        using (await sut.InvokeAsync(HotPoolHarness.Call()))
        {
        }

        sut.FakeTime.Advance(TimeSpan.FromSeconds(20));
        using (await sut.InvokeAsync(HotPoolHarness.Call()))
        {
        }

        sut.FakeTime.Advance(TimeSpan.FromSeconds(20));
        sut.Dispatcher.Idle.ShouldBe(1, "40 s after the first call, 20 s after the second: still idle");
        sut.Driver.Alive.ShouldBe(1);
        sut.FakeTime.Advance(TimeSpan.FromSeconds(10));
        await Eventually.HoldsAsync(() => sut.Driver.Alive == 0, "removed 30 s after the second call");
        sut.Driver.Created.ShouldBe(1);
    }

    [Fact]
    public async Task IdleTimeout_PerCallValue_IsUsed()
    {
        await using var sut = HotPoolHarness.CreateWithFakeTime(o => o.Hot.IdleTimeout = TimeSpan.FromSeconds(30));
        using (await sut.InvokeAsync(HotPoolHarness.Call("x", c => c.IdleTimeout = TimeSpan.FromSeconds(2))))
        {
        }

        sut.FakeTime.Advance(TimeSpan.FromSeconds(2));

        await Eventually.HoldsAsync(() => sut.Driver.Alive == 0, "removed after the call's idle timeout");
    }

    [Fact]
    public async Task PauseAfter_PausesIdleContainersAndUnpausesThemForTheNextCall()
    {
        await using var sut = HotPoolHarness.CreateWithFakeTime(o => o.Hot.PauseAfter = TimeSpan.FromSeconds(1));
        using var first = await sut.InvokeAsync(HotPoolHarness.Call());
        var container = sut.Driver.Containers.Single();

        sut.FakeTime.Advance(TimeSpan.FromSeconds(1));
        await Eventually.HoldsAsync(() => container.IsPaused, "the idle container paused");
        using var second = await sut.InvokeAsync(HotPoolHarness.Call("after pause"));

        second.OutputAsString().ShouldBe("after pause");
        second.ContainerId.ShouldBe(first.ContainerId);
        container.IsPaused.ShouldBeFalse();
        sut.Driver.Events.ShouldContain(e => e.StartsWith("unpause", StringComparison.Ordinal));
    }

    [Fact]
    public async Task PauseAfter_PausedContainerStillIdlesOut()
    {
        await using var sut = HotPoolHarness.CreateWithFakeTime(o =>
        {
            o.Hot.PauseAfter = TimeSpan.FromSeconds(1);
            o.Hot.IdleTimeout = TimeSpan.FromSeconds(10);
        });
        using (await sut.InvokeAsync(HotPoolHarness.Call()))
        {
        }

        sut.FakeTime.Advance(TimeSpan.FromSeconds(1));
        await Eventually.HoldsAsync(() => sut.Driver.Containers.Single().IsPaused, "paused");
        sut.FakeTime.Advance(TimeSpan.FromSeconds(9));

        await Eventually.HoldsAsync(() => sut.Driver.Alive == 0, "removed at the idle timeout");
    }

    [Fact]
    public async Task Unpause_Fails_TheContainerIsReplaced()
    {
        await using var sut = HotPoolHarness.CreateWithFakeTime(o => o.Hot.PauseAfter = TimeSpan.FromSeconds(1));
        sut.Driver.Functions = _ => new FakeFunction { UnpauseFailure = new InvalidOperationException("cannot thaw") };
        using var first = await sut.InvokeAsync(HotPoolHarness.Call());
        sut.FakeTime.Advance(TimeSpan.FromSeconds(1));
        await Eventually.HoldsAsync(() => sut.Driver.Containers[0].IsPaused, "paused");

        using var second = await sut.InvokeAsync(HotPoolHarness.Call("fresh"));

        second.OutputAsString().ShouldBe("fresh");
        second.ContainerId.ShouldNotBe(first.ContainerId);
        sut.Logs.WithEvent(207).Count.ShouldBe(1);
        await Eventually.HoldsAsync(() => sut.Driver.Alive == 1, "the paused container removed");
    }

    [Fact]
    public async Task Pause_Fails_TheContainerIsRemoved()
    {
        await using var sut = HotPoolHarness.CreateWithFakeTime(o => o.Hot.PauseAfter = TimeSpan.FromSeconds(1));
        sut.Driver.Functions = _ => new FakeFunction { PauseFailure = new InvalidOperationException("cannot freeze") };
        using (await sut.InvokeAsync(HotPoolHarness.Call()))
        {
        }

        sut.FakeTime.Advance(TimeSpan.FromSeconds(1));

        await Eventually.HoldsAsync(() => sut.Driver.Alive == 0, "the container removed");
        sut.Logs.WithEvent(206).Count.ShouldBe(1);
    }

    [Fact]
    public async Task IdleContainerExits_ItIsRemovedAndTheNextCallStartsANewOne()
    {
        await using var sut = HotPoolHarness.Create();
        using var first = await sut.InvokeAsync(HotPoolHarness.Call());
        sut.Driver.Containers[0].Crash(1);
        await Eventually.HoldsAsync(() => sut.Driver.Alive == 0, "the dead container removed");

        using var second = await sut.InvokeAsync(HotPoolHarness.Call("again"));

        second.OutputAsString().ShouldBe("again");
        second.ContainerId.ShouldNotBe(first.ContainerId);

        // Logged after the eviction was requested: the removal may finish first.
        await Eventually.HoldsAsync(() => sut.Logs.WithEvent(219).Count == 1, "the exit while idle is logged once");
    }

    [Fact]
    public async Task OutputBetweenCalls_GoesToTheLogAndIsNeverRefused_PastTheRateLimitLinesAreCounted()
    {
        await using var sut = HotPoolHarness.CreateWithFakeTime();
        using (await sut.InvokeAsync(HotPoolHarness.Call()))
        {
        }

        var container = sut.Driver.Containers.Single();
        container.WriteStderr("partial ");
        container.WriteStderr("line\r\n");
        await Eventually.HoldsAsync(
            () => sut.Logs.WithEvent(350).Any(e => e.Message.EndsWith("stderr] partial line", StringComparison.Ordinal)),
            "the split line logged whole");

        // A log provider that stalls: the container's writes must still return at once. Past the container's rate
        // limit (a burst of 200 lines, one of them taken above) lines are dropped and counted.
        using var gate = new ManualResetEventSlim(false);
        sut.Logs.Gate = gate;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        for (var i = 0; i < 10_000; i++)
        {
            // WriteStdout asserts that the sink accepts every chunk.
            container.WriteStdout($"idle line {i}\n");
        }

        watch.Elapsed.ShouldBeLessThan(TimeSpan.FromSeconds(5));
        gate.Set();

        // Once the limit lifts, the next line carries the count of those dropped.
        sut.FakeTime.Advance(TimeSpan.FromSeconds(1));
        container.WriteStdout("after the limit\n");
        await Eventually.HoldsAsync(() => sut.Logs.WithEvent(350).Any(e => e.Message.EndsWith("stdout] after the limit", StringComparison.Ordinal)), "the line after the limit logged");
        var logged = sut.Logs.WithEvent(350).Count(e => e.Message.Contains("] idle line ", StringComparison.Ordinal));
        logged.ShouldBe(199);
        sut.Logs.WithEvent(352).Single().Message.ShouldStartWith($"{10_000 - logged} lines of function ");
    }
}
