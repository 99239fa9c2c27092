using System.Collections.Concurrent;
using FnPipeline.Testing.Fakes;
using FnPipeline.Tests.HotPool.Fakes;

namespace FnPipeline.Tests.HotPool;

/// <summary>
/// Callers waiting for a function's containers are served in arrival order (the idle-token channel's FIFO), so a
/// call's wait at N callers is the N - 1 calls ahead of it and no more: the premise of the hot-scale p99 reading in
/// docs/performance.md ("floor (second round)"). Ordered by the fake function's own record of the requests it served,
/// one container, so no clock is involved.
/// </summary>
public sealed class HotCallDispatcherFairnessTests
{
    [Fact]
    public async Task InvokeAsync_CallersQueuedForTheOnlyContainer_AreServedInArrivalOrder()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var served = new ConcurrentQueue<string>();
        await using var sut = HotPoolHarness.Create(o =>
        {
            o.Hot.MaxContainersPerFunction = 1;
            o.Hot.MaxConcurrentStarts = 1;
        });
        sut.Driver.Functions = _ => new FakeFunction
        {
            Handler = async (_, request, cancellationToken) =>
            {
                served.Enqueue(request.BodyText);
                if (request.BodyText == "first")
                {
                    await release.Task.WaitAsync(cancellationToken);
                }

                return new FakeResponse { Body = request.Body };
            },
        };

        var first = sut.InvokeAsync(HotPoolHarness.Call("first"));
        await Eventually.HoldsAsync(() => served.Count == 1, "the first call holds the only container");
        const int waiters = 8;
        var queued = new List<Task<InvocationResult>>();
        for (var i = 1; i <= waiters; i++)
        {
            queued.Add(sut.InvokeAsync(HotPoolHarness.Call($"w{i}")));
            var expected = i;
            await Eventually.HoldsAsync(() => sut.Dispatcher.Waiting == expected, $"w{i} waits");
        }

        release.SetResult();
        using var firstResult = await first;
        var results = await Task.WhenAll(queued);

        firstResult.IsSuccess.ShouldBeTrue();
        results.ShouldAllBe(r => r.IsSuccess);
        served.ShouldBe(["first", .. Enumerable.Range(1, waiters).Select(i => $"w{i}")]);
        sut.Driver.Created.ShouldBe(1);
        foreach (var result in results)
        {
            result.Dispose();
        }
    }
}
