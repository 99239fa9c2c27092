using FnPipeline.Tests.Fakes;
using FnPipeline.Tests.HotPool.Fakes;

namespace FnPipeline.Tests.HotPool;

public sealed class HotCallDispatcherReuseTests
{
    [Fact]
    public async Task InvokeAsync_SequentialCalls_ReuseOneContainer()
    {
        await using var sut = HotPoolHarness.Create();

        for (var i = 0; i < 5; i++)
        {
            using var result = await sut.InvokeAsync(HotPoolHarness.Call($"call {i}"));
            result.Status.ShouldBe(InvocationStatus.Success, result.ToString());
            result.OutputAsString().ShouldBe($"call {i}");
            result.FunctionStatusCode.ShouldBe(200);
        }

        sut.Driver.Created.ShouldBe(1);
        sut.Driver.Containers[0].Server!.ConnectionsAccepted.ShouldBe(1, "sequential calls share one kept-alive connection");
    }

    [Fact]
    public async Task InvokeAsync_FirstCall_RecordsLaunchTimings()
    {
        await using var sut = HotPoolHarness.Create();

        using var first = await sut.InvokeAsync(HotPoolHarness.Call());
        using var second = await sut.InvokeAsync(HotPoolHarness.Call());

        first.Timings.AttachStart.ShouldBeGreaterThan(TimeSpan.Zero);
        second.Timings.AttachStart.ShouldBe(TimeSpan.Zero);
        second.Timings.Run.ShouldBeGreaterThan(TimeSpan.Zero);
        first.ContainerId.ShouldBe(second.ContainerId);
    }

    [Fact]
    public async Task InvokeAsync_DifferentConfig_UsesSeparateContainers()
    {
        await using var sut = HotPoolHarness.Create();

        using var a = await sut.InvokeAsync(HotPoolHarness.Call("a", c => c.Environment["K"] = "1"));
        using var b = await sut.InvokeAsync(HotPoolHarness.Call("b", c => c.Environment["K"] = "2"));
        using var a2 = await sut.InvokeAsync(HotPoolHarness.Call("a", c => c.Environment["K"] = "1"));

        sut.Driver.Created.ShouldBe(2);
        a2.ContainerId.ShouldBe(a.ContainerId);
        b.ContainerId.ShouldNotBe(a.ContainerId);
    }

    [Fact]
    public async Task InvokeAsync_IdleContainers_AreReusedMostRecentFirst()
    {
        await using var sut = HotPoolHarness.Create();
        var gates = new Dictionary<string, TaskCompletionSource>
        {
            ["a"] = new(TaskCreationOptions.RunContinuationsAsynchronously),
            ["b"] = new(TaskCreationOptions.RunContinuationsAsynchronously),
        };
        sut.Driver.Functions = _ => new FakeFunction
        {
            Handler = async (_, request, _) =>
            {
                if (gates.TryGetValue(request.BodyText, out var gate))
                {
                    await gate.Task;
                }

                return new FakeResponse { Body = request.Body };
            },
        };

        // Two calls at once: two containers. "a" finishes first, then "b": b's container is the most recently idle.
        var a = sut.InvokeAsync(HotPoolHarness.Call("a"));
        var b = sut.InvokeAsync(HotPoolHarness.Call("b"));
        await Eventually.HoldsAsync(() => sut.RequestsReceived == 2, "both calls reached a container");
        gates["a"].SetResult();
        using var resultA = await a;
        gates["b"].SetResult();
        using var resultB = await b;

        using var next = await sut.InvokeAsync(HotPoolHarness.Call("next"));

        sut.Driver.Created.ShouldBe(2);
        resultA.ContainerId.ShouldNotBe(resultB.ContainerId);
        next.ContainerId.ShouldBe(resultB.ContainerId);
    }
}
