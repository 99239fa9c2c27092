using FnPipeline.Lifecycle;
using FnPipeline.Diagnostics;
using FnPipeline.Driver;
using FnPipeline.HotPool;
using Microsoft.Extensions.Logging.Abstractions;

namespace FnPipeline.Tests.HotPool;

public sealed class FunctionPoolTests : IDisposable
{
    private readonly string _base = Path.Join("/tmp", "fnpp-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly FnPipelineMetrics _metrics = new();
    private readonly HotPoolContext _context;
    private readonly ContainerKeeper _keeper;

    public FunctionPoolTests()
    {
        Directory.CreateDirectory(_base);
        var options = new FnPipelineOptions { InstanceId = "unit" };
        options.Hot.SocketBaseDirectory = _base;
        var settings = ExecutorSettings.Resolve(options);
        _context = new HotPoolContext(
            new FakeContainerDriver(), settings.Hot, new ContainerSpecFactory(settings), _metrics, TimeProvider.System, NullLogger.Instance);
        _keeper = new ContainerKeeper(_context, new PoolRegistry(settings.Hot with { MaxContainersPerFunction = 8 }, NullLogger.Instance));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(10)]
    [InlineData(100)]
    public void TryTakeIdle_ReturnsMostRecentlyIdleFirst(int count)
    {
        var sut = CreateSut(count);
        var containers = Enumerable.Range(0, count).Select(_ => NewIdle(sut)).ToList();

        var taken = new List<HotContainer>();
        while (sut.TryTakeIdle(out var container))
        {
            taken.Add(container);
        }

        taken.ShouldBe(Enumerable.Reverse(containers));
    }

    [Fact]
    public async Task TryRemoveIdle_ContainerPromisedToAWaiter_YieldsToIt()
    {
        var sut = CreateSut(2);
        var older = NewIdle(sut);
        var newer = NewIdle(sut);

        // Two callers read tokens, neither has popped yet: every stacked container is promised.
        await sut.ReadIdleTokenAsync(CancellationToken.None);
        await sut.ReadIdleTokenAsync(CancellationToken.None);

        sut.TryRemoveIdle(older).ShouldBeFalse();
        sut.PopIdle().ShouldBe(newer);
        sut.PopIdle().ShouldBe(older);
    }

    [Fact]
    public void TryRemoveIdle_UnclaimedContainer_TakesItWithItsToken()
    {
        var sut = CreateSut(2);
        var older = NewIdle(sut);
        var newer = NewIdle(sut);

        sut.TryRemoveIdle(older).ShouldBeTrue();

        sut.TryTakeIdle(out var only).ShouldBeTrue();
        only.ShouldBe(newer);
        sut.TryTakeIdle(out _).ShouldBeFalse();
    }

    [Fact]
    public async Task ReadIdleTokenAsync_Waiters_AreServedInArrivalOrder()
    {
        var sut = CreateSut(2);
        var first = sut.ReadIdleTokenAsync(CancellationToken.None).AsTask();
        var second = sut.ReadIdleTokenAsync(CancellationToken.None).AsTask();

        NewIdle(sut);
        await first.WaitAsync(TimeSpan.FromSeconds(5));

        second.IsCompleted.ShouldBeFalse();
    }

    [Fact]
    public void TryReserveLaunch_RespectsBothLimits()
    {
        var sut = CreateSut(2);
        var other = CreateSut(2);
        var budget = new ContainerBudget(3);
        var starts = new LaunchSlots(10);
        Wait(sut, 3);
        Wait(other, 2);

        sut.TryReserveLaunch(budget, starts).ShouldBe(LaunchReservation.Reserved);
        sut.TryReserveLaunch(budget, starts).ShouldBe(LaunchReservation.Reserved);
        sut.TryReserveLaunch(budget, starts).ShouldBe(LaunchReservation.FunctionFull);
        other.TryReserveLaunch(budget, starts).ShouldBe(LaunchReservation.Reserved);
        other.TryReserveLaunch(budget, starts).ShouldBe(LaunchReservation.ExecutorFull);
        budget.Used.ShouldBe(3);
    }

    [Fact]
    public void TryReserveLaunch_OnlyWhileWaitersOutnumberIdleAndStarting()
    {
        var sut = CreateSut(8);
        var budget = new ContainerBudget(8);
        var starts = new LaunchSlots(8);

        sut.TryReserveLaunch(budget, starts).ShouldBe(LaunchReservation.NotNeeded, "no one waits");
        Wait(sut, 2);
        sut.TryReserveLaunch(budget, starts).ShouldBe(LaunchReservation.Reserved);
        sut.TryReserveLaunch(budget, starts).ShouldBe(LaunchReservation.Reserved);
        sut.TryReserveLaunch(budget, starts).ShouldBe(LaunchReservation.NotNeeded, "two waiters, two starting");
        NewIdle(sut);
        Wait(sut, 1);
        sut.TryReserveLaunch(budget, starts).ShouldBe(LaunchReservation.NotNeeded, "three waiters, two starting and one idle");
        Wait(sut, 1);
        sut.TryReserveLaunch(budget, starts).ShouldBe(LaunchReservation.Reserved, "four waiters outnumber three");
        sut.Starting.ShouldBe(3);
    }

    [Fact]
    public void TryReserveLaunch_LaunchSlotsFull_GivesTheExecutorPlaceBack()
    {
        var sut = CreateSut(8);
        var budget = new ContainerBudget(8);
        var starts = new LaunchSlots(1);
        Wait(sut, 3);

        sut.TryReserveLaunch(budget, starts).ShouldBe(LaunchReservation.Reserved);
        sut.TryReserveLaunch(budget, starts).ShouldBe(LaunchReservation.StartsFull);
        budget.Used.ShouldBe(1);
        starts.End();
        sut.TryReserveLaunch(budget, starts).ShouldBe(LaunchReservation.Reserved);
        starts.InFlight.ShouldBe(1);
    }

    [Fact]
    public void LaunchHandedOver_ToItsWaiter_KeepsTheDemandBalanced()
    {
        var sut = CreateSut(8);
        var budget = new ContainerBudget(8);
        var starts = new LaunchSlots(8);
        Wait(sut, 1);
        sut.TryReserveLaunch(budget, starts).ShouldBe(LaunchReservation.Reserved);

        sut.LaunchHandedOver(servedWaiter: true);

        sut.Waiting.ShouldBe(0);
        sut.Starting.ShouldBe(0);
        sut.TryReserveLaunch(budget, starts).ShouldBe(LaunchReservation.NotNeeded);
    }

    [Fact]
    public async Task PopIdle_ByACallerThatNeverWaited_SignalsAnUnderservedWaiter()
    {
        var sut = CreateSut(4);
        NewIdle(sut);
        Wait(sut, 1);
        var signal = sut.RegisterCapacityWait();
        signal.Task.IsCompleted.ShouldBeFalse();

        sut.TryTakeIdle(out _).ShouldBeTrue();

        (await signal.Task.WaitAsync(TimeSpan.FromSeconds(10))).ShouldBeTrue();
        sut.WithdrawCapacityWait(signal).ShouldBeTrue();
        sut.Waiting.ShouldBe(1);
    }

    [Fact]
    public void TryRetire_OnlyWhenEmptyAndUnused()
    {
        var sut = CreateSut(2);
        sut.TryBeginWait().ShouldBeTrue();
        sut.TryReserveLaunch(new ContainerBudget(5), new LaunchSlots(5)).ShouldBe(LaunchReservation.Reserved);
        sut.LaunchHandedOver(servedWaiter: true);
        sut.TryRetire().ShouldBeFalse();

        sut.ContainerGone();
        sut.TryBeginWait().ShouldBeTrue();
        sut.TryRetire().ShouldBeFalse();
        sut.EndWait();

        sut.TryRetire().ShouldBeTrue();
        sut.TryBeginWait().ShouldBeFalse();
        sut.TryReserveLaunch(new ContainerBudget(5), new LaunchSlots(5)).ShouldBe(LaunchReservation.Retired);
    }

    private static void Wait(FunctionPool pool, int waiters)
    {
        for (var i = 0; i < waiters; i++)
        {
            pool.TryBeginWait().ShouldBeTrue();
        }
    }

    public void Dispose()
    {
        _context.Dispose();
        _metrics.Dispose();
        Directory.Delete(_base, recursive: true);
    }

    private static FunctionPool CreateSut(int capacity) => new(new FunctionKey(1, 2, 3, 4), capacity);

    private HotContainer NewIdle(FunctionPool pool)
    {
        var container = _keeper.Create(pool, SocketDirectory.Create(_base), TimeSpan.FromMinutes(1));
        container.MarkReady(new FnPipeline.Protocol.HttpStreamClient(container.Directory.SocketPath, _context.ClientOptions));
        container.TryTakeReady().ShouldBeTrue();
        container.ReturnToPool();
        return container;
    }
}
