using FnPipeline.Diagnostics;
using FnPipeline.Driver;
using FnPipeline.HotPool;
using FnPipeline.Protocol;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using NSubstitute;

namespace FnPipeline.Tests.HotPool;

/// <summary>
/// The transitions a hot container reports to its one owner (idle, remove me, place freed) and what the owner,
/// <see cref="ContainerKeeper"/>, does with them. Every wait is on a signal.
/// </summary>
public sealed class ContainerKeeperTests : IDisposable
{
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);
    private readonly string _base = Path.Join("/tmp", "fnpk-" + Guid.NewGuid().ToString("N")[..8]);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));
    private readonly FnPipelineMetrics _metrics = new();
    private readonly HotPoolContext _context;
    private readonly PoolRegistry _pools;
    private readonly ContainerKeeper _keeper;

    public ContainerKeeperTests()
    {
        Directory.CreateDirectory(_base);
        var options = new FnPipelineOptions { InstanceId = "unit" };
        options.Hot.SocketBaseDirectory = _base;
        var settings = ExecutorSettings.Resolve(options);
        _context = new HotPoolContext(
            new FakeContainerDriver(_time), settings.Hot, new ContainerSpecFactory(settings), _metrics, _time, NullLogger.Instance);
        _pools = new PoolRegistry(settings.Hot with { MaxContainersPerFunction = 4 }, NullLogger.Instance);
        _keeper = new ContainerKeeper(_context, _pools);
    }

    [Fact]
    public async Task ReturnToPool_ReportsIdle_TheNextTakeReusesTheSameContainer()
    {
        var pool = ReservedPool(1);
        var container = Ready(_keeper.Create(pool, SocketDirectory.Create(_base), IdleTimeout));

        container.ReturnToPool();

        pool.IdleCount.ShouldBe(1);
        pool.TryTakeIdle(out var taken).ShouldBeTrue();
        taken.ShouldBeSameAs(container);
        var activation = taken.TryActivateAsync();
        activation.IsCompletedSuccessfully.ShouldBeTrue("an unpaused idle container is claimed without waiting");
        (await activation).ShouldBeTrue();
        _keeper.Count.ShouldBe(1);
        _context.Budget.Used.ShouldBe(1);
    }

    [Fact]
    public async Task RemoveAsync_TwiceAndReportedAgain_FreesThePlaceExactlyOnce()
    {
        var pool = ReservedPool(1);
        var container = Ready(_keeper.Create(pool, SocketDirectory.Create(_base), IdleTimeout));
        container.ReturnToPool();
        var other = _pools.Get(new FunctionKey(9, 9, 9, 9), memoryMB: 128);
        other.TryBeginWait().ShouldBeTrue();
        var wakeUp = other.RegisterCapacityWait();

        await Task.WhenAll(container.RemoveAsync("first"), container.RemoveAsync("second")).WaitAsync(Patience);
        _keeper.PlaceFreed(container);

        // Freed twice, the budget would throw and the pool's count would go below zero.
        pool.Live.ShouldBe(0);
        _context.Budget.Used.ShouldBe(0);
        _keeper.Count.ShouldBe(0);
        pool.IdleCount.ShouldBe(0);
        pool.IsRetired.ShouldBeTrue("an empty pool nobody waits on is dropped");
        (await wakeUp.Task.WaitAsync(Patience)).ShouldBeTrue();
        Directory.Exists(container.Directory.Path).ShouldBeFalse();
    }

    [Fact]
    public async Task RemoveAllAsync_DuringALaunch_RefusesTheLateHandleAndFreesThePlaceOnce()
    {
        var pool = ReservedPool(1);
        var starting = _keeper.Create(pool, SocketDirectory.Create(_base), IdleTimeout);

        await _keeper.RemoveAllAsync("executor shut down").WaitAsync(Patience);
        var handle = Substitute.For<IContainerHandle>();

        starting.AttachHandle(handle).ShouldBeFalse("the launch must dispose a container created after shutdown removed its slot");
        _keeper.Count.ShouldBe(0);
        pool.Live.ShouldBe(0);
        _context.Budget.Used.ShouldBe(0);
        Directory.Exists(starting.Directory.Path).ShouldBeFalse();
        await handle.DidNotReceive().DisposeAsync();
    }

    [Fact]
    public async Task IdleTimeout_ContainerAsksToGo_ThenReportsItsPlaceFreedOnce()
    {
        var owner = new RecordingOwner();
        var pool = new FunctionPool(new FunctionKey(1, 2, 3, 4), 2);
        var container = Ready(new HotContainer(_context, owner, pool, SocketDirectory.Create(_base), IdleTimeout));

        container.ReturnToPool();
        owner.Idled.ShouldBe([container]);
        _time.Advance(IdleTimeout);
        await owner.PlaceFreedSignal.Task.WaitAsync(Patience);

        owner.RemoveRequests.ShouldBe(["idle for 60 s"]);
        owner.PlacesFreed.ShouldBe(1);
        pool.IdleCount.ShouldBe(0);
        pool.TryTakeIdle(out _).ShouldBeFalse("its idle token went with it");
    }

    [Fact]
    public async Task TryActivateAsync_OnARemovedContainer_AsksToGoAndIsNotReused()
    {
        var owner = new RecordingOwner();
        var pool = new FunctionPool(new FunctionKey(1, 2, 3, 4), 2);
        var container = Ready(new HotContainer(_context, owner, pool, SocketDirectory.Create(_base), IdleTimeout));
        container.ReturnToPool();

        // A caller holds the idle token while shutdown removes the container: the removal must not take it away.
        pool.TryTakeIdle(out var claimed).ShouldBeTrue();
        await container.RemoveAsync("executor shut down").WaitAsync(Patience);
        var activation = claimed.TryActivateAsync();

        activation.IsCompletedSuccessfully.ShouldBeTrue();
        (await activation).ShouldBeFalse();
        owner.RemoveRequests.ShouldBe(["exited while idle"]);
        owner.PlacesFreed.ShouldBe(1);
    }

    public void Dispose()
    {
        _context.Dispose();
        _metrics.Dispose();
        Directory.Delete(_base, recursive: true);
    }

    private FunctionPool ReservedPool(int places)
    {
        var pool = _pools.Get(new FunctionKey(1, 2, 3, 4), memoryMB: 128);
        for (var i = 0; i < places; i++)
        {
            // A waiter asks for each place, and its launch hands the container over at once.
            pool.TryBeginWait().ShouldBeTrue();
            pool.TryReserveLaunch(_context.Budget, _context.Starts).ShouldBe(LaunchReservation.Reserved);
            _context.Starts.End();
            pool.LaunchHandedOver(servedWaiter: true);
        }

        return pool;
    }

    private HotContainer Ready(HotContainer container)
    {
        container.MarkReady(new HttpStreamClient(container.Directory.SocketPath, _context.ClientOptions));
        container.TryTakeReady().ShouldBeTrue();
        return container;
    }

    /// <summary>An owner that records what the container reports and does the least the contract asks.</summary>
    private sealed class RecordingOwner : IHotContainerOwner
    {
        private int _placesFreed;

        public List<HotContainer> Idled { get; } = [];

        public List<string> RemoveRequests { get; } = [];

        public int PlacesFreed => Volatile.Read(ref _placesFreed);

        public TaskCompletionSource PlaceFreedSignal { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Idle(HotContainer container)
        {
            Idled.Add(container);
            container.Pool.AddIdle(container);
        }

        public bool TryWithdrawIdle(HotContainer container) => container.Pool.TryRemoveIdle(container);

        public void RemoveMe(HotContainer container, string reason)
        {
            lock (RemoveRequests)
            {
                RemoveRequests.Add(reason);
            }

            _ = container.RemoveAsync(reason);
        }

        public void PlaceFreed(HotContainer container)
        {
            Interlocked.Increment(ref _placesFreed);
            PlaceFreedSignal.TrySetResult();
        }
    }
}
