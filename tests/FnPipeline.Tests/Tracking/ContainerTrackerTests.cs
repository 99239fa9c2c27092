using System.Collections.Concurrent;
using FnPipeline.Tracking;
using FnPipeline.Tests.Fakes;
using FnPipeline.Tests.HotPool.Fakes;

namespace FnPipeline.Tests.Tracking;

public sealed class ContainerTrackerTests : IDisposable
{
    // Long enough never to fire in these tests, and distinct from every retry delay and drain bound.
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromHours(1);

    private readonly TimerRecordingTimeProvider _time = new();
    private readonly ListLoggerFactory _logs = new();
    private readonly ConcurrentQueue<string> _attempts = new();
    private readonly ConcurrentDictionary<string, long> _gauge = new();
    private volatile bool _engineAway;

    [Fact]
    public async Task Track_ThenRemove_GaugeFollowsTheTrackedSet()
    {
        using var sut = CreateSut();

        sut.Track("c1", "default");
        sut.Track("c2", "http-stream");
        sut.Track("c1", "default");

        sut.Count.ShouldBe(2);
        _gauge["default"].ShouldBe(1);
        _gauge["http-stream"].ShouldBe(1);

        (await sut.RemoveAsync("c1")).ShouldBeTrue();

        sut.Count.ShouldBe(1);
        sut.TrackedIds.ShouldBe(["c2"]);
        _gauge["default"].ShouldBe(0);
        (await sut.WhenGoneAsync("c1")).ShouldBeTrue();
    }

    [Fact]
    public async Task RemoveAsync_UntrackedId_IsTrackedUntilGone()
    {
        // Orphans and containers known only by name are enqueued the same way.
        using var sut = CreateSut();
        _engineAway = true;

        (await sut.RemoveAsync("orphan", ContainerKinds.Unknown)).ShouldBeFalse();

        sut.TrackedIds.ShouldBe(["orphan"]);
        _gauge[ContainerKinds.Unknown].ShouldBe(1);
    }

    [Fact]
    public async Task FailedRemoval_IsRetriedWithDoublingBackOffUpToTheCap_UntilTheEngineReturns()
    {
        using var sut = CreateSut(firstRetry: TimeSpan.FromMilliseconds(100), maxRetry: TimeSpan.FromMilliseconds(1000));
        sut.Track("c1", "default");
        _engineAway = true;

        (await sut.RemoveAsync("c1")).ShouldBeFalse();

        var delays = new List<TimeSpan>();
        for (var i = 0; i < 6; i++)
        {
            var delay = await _time.NextTimerAsync(ignored: AttemptTimeout);
            delays.Add(delay);
            _time.Advance(delay);
        }

        delays.ShouldBe([.. new[] { 100, 200, 400, 800, 1000, 1000 }.Select(ms => TimeSpan.FromMilliseconds(ms))]);
        var gone = sut.WhenGoneAsync("c1");
        gone.IsCompleted.ShouldBeFalse();
        sut.Count.ShouldBe(1);

        // The engine is back: the next retry, one capped delay later, removes it.
        _engineAway = false;
        _time.Advance(await _time.NextTimerAsync(ignored: AttemptTimeout));

        (await gone.WaitAsync(TimeSpan.FromSeconds(10))).ShouldBeTrue();
        sut.Count.ShouldBe(0);
        _gauge["default"].ShouldBe(0);
        _attempts.Count.ShouldBe(8);
        _logs.WithEvent(400).Count.ShouldBe(1);
        _logs.WithEvent(402).Single().Message.ShouldBe("Removed container c1 after 7 failed attempts");
    }

    [Fact]
    public async Task ManyRemovals_RunAtMostTheBoundAtOnce()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = 0;
        var maxRunning = 0;
        using var sut = new ContainerTracker(
            async (_, _) =>
            {
                var now = Interlocked.Increment(ref running);
                InterlockedMax(ref maxRunning, now);
                await release.Task;
                Interlocked.Decrement(ref running);
            },
            new ContainerTrackerSettings(3, AttemptTimeout, TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(1)),
            TimeProvider.System,
            _logs.CreateLogger("test"));

        var removals = Enumerable.Range(0, 10).Select(i => sut.RemoveAsync($"c{i}")).ToList();
        await Eventually.HoldsAsync(() => Volatile.Read(ref running) == 3 && sut.RemovalsInProgress == 3);
        sut.Count.ShouldBe(10);
        release.SetResult();

        (await Task.WhenAll(removals)).ShouldAllBe(gone => gone);
        Volatile.Read(ref maxRunning).ShouldBe(3);
        sut.Count.ShouldBe(0);
    }

    [Fact]
    public async Task DrainAsync_EngineAway_WaitsItsBoundThenLogsEachContainerLeftById()
    {
        using var sut = CreateSut();
        _engineAway = true;
        sut.Track("asked-for", "default");
        sut.Track("never-asked-for", "http-stream");
        (await sut.RemoveAsync("asked-for")).ShouldBeFalse();

        var bound = TimeSpan.FromSeconds(7);
        var drain = sut.DrainAsync(bound);
        await _time.WaitForTimerAsync(bound);

        // Drain also asked for the container nobody had asked to remove.
        await Eventually.HoldsAsync(() => _attempts.Contains("never-asked-for"));
        drain.IsCompleted.ShouldBeFalse();
        _time.Advance(bound);

        var left = await drain.WaitAsync(TimeSpan.FromSeconds(10));
        left.ShouldBe(["asked-for", "never-asked-for"], ignoreOrder: true);
        var errors = _logs.WithEvent(404);
        errors.Count.ShouldBe(2);
        errors.ShouldContain(e => e.Message.StartsWith("Could not remove container asked-for (default) before shutdown", StringComparison.Ordinal));
        errors.ShouldContain(e => e.Message.Contains("never-asked-for (http-stream)", StringComparison.Ordinal) && e.Message.Contains("engine away", StringComparison.Ordinal));
        (await sut.WhenGoneAsync("asked-for")).ShouldBeFalse();
    }

    [Fact]
    public async Task DrainAsync_EngineReturnsWithinTheBound_RemovesEverything()
    {
        using var sut = CreateSut(firstRetry: TimeSpan.FromMilliseconds(100));
        _engineAway = true;
        sut.Track("c1", "default");
        var drain = sut.DrainAsync(TimeSpan.FromSeconds(30));
        var retry = await _time.NextTimerAsync(ignored: AttemptTimeout);
        while (retry == TimeSpan.FromSeconds(30))
        {
            retry = await _time.NextTimerAsync(ignored: AttemptTimeout);
        }

        _engineAway = false;
        _time.Advance(retry);

        (await drain.WaitAsync(TimeSpan.FromSeconds(10))).ShouldBeEmpty();
        sut.Count.ShouldBe(0);
        _logs.WithEvent(404).ShouldBeEmpty();
    }

    [Fact]
    public async Task DrainAsync_NothingTracked_ReturnsAtOnce()
    {
        using var sut = CreateSut();

        (await sut.DrainAsync(TimeSpan.FromMinutes(5))).ShouldBeEmpty();
    }

    public void Dispose() => _logs.Dispose();

    private ContainerTracker CreateSut(TimeSpan? firstRetry = null, TimeSpan? maxRetry = null)
    {
        var settings = new ContainerTrackerSettings(
            2, AttemptTimeout, firstRetry ?? TimeSpan.FromMilliseconds(100), maxRetry ?? TimeSpan.FromSeconds(5));
        var tracker = new ContainerTracker(RemoveOnceAsync, settings, _time, _logs.CreateLogger("test"));
        tracker.CountChanged = (kind, delta) => _gauge.AddOrUpdate(kind, delta, (_, value) => value + delta);
        return tracker;
    }

    private Task RemoveOnceAsync(string containerId, CancellationToken cancellationToken)
    {
        _attempts.Enqueue(containerId);
        return _engineAway ? Task.FromException(new HttpRequestException("engine away")) : Task.CompletedTask;
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
