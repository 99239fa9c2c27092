using FnPipeline.HotPool;

namespace FnPipeline.Tests.HotPool;

public sealed class CapacitySignalsTests
{
    [Fact]
    public async Task Signal_WakesTheLongestRegisteredWaiterOnly()
    {
        var sut = new CapacitySignals(4);
        var first = sut.Register();
        var second = sut.Register();

        sut.Signal();

        (await first.Task.WaitAsync(TimeSpan.FromSeconds(10))).ShouldBeTrue();
        second.Task.IsCompleted.ShouldBeFalse();
        sut.Withdraw(first).ShouldBeTrue();
        sut.Withdraw(second).ShouldBeFalse();
    }

    [Fact]
    public async Task Withdraw_Unsignalled_ConsumesNothing_TheNextSignalReachesTheNextWaiter()
    {
        var sut = new CapacitySignals(4);
        var gone = sut.Register();
        sut.Withdraw(gone).ShouldBeFalse();
        gone.Task.IsCompletedSuccessfully.ShouldBeTrue();
        (await gone.Task).ShouldBeFalse("a withdrawn registration ends without a signal and without an exception");

        sut.Signal();

        var next = sut.Register();
        next.Task.IsCompleted.ShouldBeTrue("the signal with no one registered was kept for the next waiter");
        (await next.Task).ShouldBeTrue();
        sut.Withdraw(next).ShouldBeTrue();
    }

    [Fact]
    public void SignalsWithNoWaiter_AreKeptUpToTheCapacity_TheRestDropped()
    {
        var sut = new CapacitySignals(2);
        for (var i = 0; i < 5; i++)
        {
            sut.Signal();
        }

        sut.Register().Task.IsCompleted.ShouldBeTrue();
        sut.Register().Task.IsCompleted.ShouldBeTrue();
        var third = sut.Register();
        third.Task.IsCompleted.ShouldBeFalse();
        sut.Withdraw(third).ShouldBeFalse();
    }
}
