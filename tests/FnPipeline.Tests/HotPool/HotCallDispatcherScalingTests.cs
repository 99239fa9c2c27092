using FnPipeline.HotPool;
using FnPipeline.Tests.HotPool.Fakes;

namespace FnPipeline.Tests.HotPool;

/// <summary>
/// Hot scaling sized to the work: a container is launched only when the calls waiting for a function outnumber its
/// idle and starting containers, launches in flight are bounded executor-wide, and the default per-function cap comes
/// from the machine. Every wait is on a gate, a counter of the fake engine or the pool's own counts.
/// </summary>
public sealed class HotCallDispatcherScalingTests
{
    [Fact]
    public async Task InvokeAsync_FourCallersLooping_NeverStartMoreThanFourContainers()
    {
        // The old default cap (8) and enough launch slots for it: only the demand rule keeps the count at 4.
        await using var sut = HotPoolHarness.Create(o =>
        {
            o.Hot.MaxContainersPerFunction = 8;
            o.Hot.MaxConcurrentStarts = 8;
        });
        const int callers = 4;
        const int callsEach = 40;

        var results = await Task.WhenAll(Enumerable.Range(0, callers).Select(async caller =>
        {
            var failures = new List<string>();
            for (var i = 0; i < callsEach; i++)
            {
                using var result = await sut.InvokeAsync(HotPoolHarness.Call($"c{caller}-{i}"));
                if (!result.IsSuccess || result.OutputAsString() != $"c{caller}-{i}")
                {
                    failures.Add(result.ToString());
                }
            }

            return failures;
        }));

        results.SelectMany(f => f).ShouldBeEmpty();
        sut.Driver.Created.ShouldBeInRange(1, callers);
        sut.Driver.MaxAlive.ShouldBeLessThanOrEqualTo(callers);
    }

    [Fact]
    public async Task InvokeAsync_WaitersBeyondIdleAndStarting_EachTriggerAStart()
    {
        await using var sut = HotPoolHarness.Create(o =>
        {
            o.Hot.MaxContainersPerFunction = 8;
            o.Hot.MaxConcurrentStarts = 8;
        });
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        sut.Driver.StartGate = gate;

        // Each new waiter finds the others' launches spoken for (one per waiter), so it starts its own.
        var calls = new List<Task<InvocationResult>>();
        for (var i = 1; i <= 3; i++)
        {
            calls.Add(sut.InvokeAsync(HotPoolHarness.Call($"w{i}")));
            var expected = i;
            await Eventually.HoldsAsync(() => sut.Driver.StartsBegun == expected, $"waiter {i} started a container");
        }

        gate.SetResult();
        var results = await Task.WhenAll(calls);

        results.ShouldAllBe(r => r.IsSuccess);
        sut.Driver.Created.ShouldBe(3);
        foreach (var result in results)
        {
            result.Dispose();
        }
    }

    [Fact]
    public async Task InvokeAsync_WaiterCoveredByALaunchInFlight_TakesItInsteadOfStartingAnother()
    {
        await using var sut = HotPoolHarness.Create(o =>
        {
            o.Hot.MaxContainersPerFunction = 8;
            o.Hot.MaxConcurrentStarts = 8;
        });
        var holds = new Dictionary<string, TaskCompletionSource>(StringComparer.Ordinal)
        {
            ["x"] = new(TaskCreationOptions.RunContinuationsAsynchronously),
            ["y"] = new(TaskCreationOptions.RunContinuationsAsynchronously),
        };
        sut.Driver.Functions = _ => new FakeFunction
        {
            Handler = async (_, request, _) =>
            {
                if (holds.TryGetValue(request.BodyText, out var hold))
                {
                    await hold.Task;
                }

                return new FakeResponse { Body = request.Body };
            },
        };
        using (var warm = await sut.InvokeAsync(HotPoolHarness.Call("warm")))
        {
            warm.IsSuccess.ShouldBeTrue(warm.ToString());
        }

        // x holds the one container; y waits and launches a second one, held at the engine's start.
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        sut.Driver.StartGate = gate;
        var x = sut.InvokeAsync(HotPoolHarness.Call("x"));
        await Eventually.HoldsAsync(() => sut.RequestsReceived == 2, "x runs on the warm container");
        var y = sut.InvokeAsync(HotPoolHarness.Call("y"));
        await Eventually.HoldsAsync(() => sut.Driver.StartsBegun == 2, "y launched a container");

        // x ends: y takes its container (first in line) and holds it; y's launch keeps starting for the pool.
        holds["x"].SetResult();
        (await x).Dispose();
        await Eventually.HoldsAsync(() => sut.RequestsReceived == 3, "y runs on the container x gave back");

        // z waits too: y's launch, still starting, is meant for it, so it must not start a third container.
        var z = sut.InvokeAsync(HotPoolHarness.Call("z"));
        await Eventually.HoldsAsync(() => sut.Dispatcher.Waiting == 1, "z waits");
        gate.SetResult();
        using var zResult = await z;
        holds["y"].SetResult();
        using var yResult = await y;

        zResult.IsSuccess.ShouldBeTrue(zResult.ToString());
        yResult.IsSuccess.ShouldBeTrue(yResult.ToString());
        zResult.ContainerId.ShouldNotBe(yResult.ContainerId);
        sut.Driver.Created.ShouldBe(2);
        sut.Driver.StartsBegun.ShouldBe(2);
    }

    [Fact]
    public async Task InvokeAsync_ManyWaiters_SimultaneousStartsNeverExceedTheLimit()
    {
        const int limit = 2;
        const int calls = 6;
        await using var sut = HotPoolHarness.Create(o =>
        {
            o.Hot.MaxContainersPerFunction = 8;
            o.Hot.MaxConcurrentStarts = limit;
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
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        sut.Driver.StartGate = gate;

        var running = Enumerable.Range(0, calls).Select(i => sut.InvokeAsync(HotPoolHarness.Call($"s{i}"))).ToList();
        await Eventually.HoldsAsync(() => sut.Driver.StartsInFlight == limit, "the first launches reached the engine's start");
        await Eventually.HoldsAsync(() => sut.Dispatcher.Waiting == calls, "every call waits");

        // Held at the start, the two launches hold both slots: no other launch got as far as a create.
        sut.Driver.Created.ShouldBe(limit);

        // Released, the launches go through two at a time; every call holds its container, so each needs one.
        gate.SetResult();
        await Eventually.HoldsAsync(() => sut.RequestsReceived == calls, "every call got a container of its own");
        release.SetResult();
        var results = await Task.WhenAll(running);

        results.ShouldAllBe(r => r.IsSuccess);
        sut.Driver.Created.ShouldBe(calls);
        sut.Driver.MaxStartsInFlight.ShouldBe(limit);
        sut.Driver.MaxCreatesInFlight.ShouldBeLessThanOrEqualTo(limit);
        foreach (var result in results)
        {
            result.Dispose();
        }
    }

    [Fact]
    public async Task InvokeAsync_NoPerFunctionCap_UsesTheMachinesRule()
    {
        // One processor and plenty of memory: 2 containers per function.
        await using var sut = HotPoolHarness.Create(
            o => o.Hot.MaxConcurrentStarts = 8,
            machine: new MachineCapacity(Processors: 1, MemoryBytes: 64L << 30));
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        sut.Driver.Functions = _ => new FakeFunction
        {
            Handler = async (_, request, _) =>
            {
                await release.Task;
                return new FakeResponse { Body = request.Body };
            },
        };

        var running = Enumerable.Range(0, 5).Select(i => sut.InvokeAsync(HotPoolHarness.Call($"m{i}"))).ToList();
        await Eventually.HoldsAsync(() => sut.RequestsReceived == 2, "two calls run");
        await Eventually.HoldsAsync(() => sut.Dispatcher.Waiting == 3, "the other three wait for them");
        release.SetResult();
        var results = await Task.WhenAll(running);

        results.ShouldAllBe(r => r.IsSuccess);
        sut.Driver.Created.ShouldBe(2);
        foreach (var result in results)
        {
            result.Dispose();
        }
    }
}
