using System.Diagnostics;
using FnPipeline.IntegrationTests.Infrastructure;
using static FnPipeline.IntegrationTests.Cold.ExecutorTestKit;

namespace FnPipeline.IntegrationTests.Cold;

/// <summary>
/// The two clocks of a cold call on the real engine: the call's timeout counts from the container's start, and the
/// time before it is bounded by <see cref="FnPipelineOptions.StartTimeout"/>.
/// </summary>
[Collection(DockerCollectionDefinition.Name)]
[Trait("Category", "Docker")]
public sealed class ColdTimeoutTests(EngineFixture engine)
{
    /// <summary>
    /// Issue 9's regression: with 12 concurrent echoes and a 2 s timeout, <c>docker start</c> took 1.2–3.8 s and every
    /// echo answered 504 without having run. The machine is loaded on purpose (two busy loops on two cores), so the
    /// engine is slow to start containers; an echo must still never time out, since its timeout counts from its start.
    /// </summary>
    [Fact]
    public async Task SixteenConcurrentEchoesWithAThreeSecondTimeout_OnALoadedMachine_NoneTimesOut()
    {
        await using var executor = Create(engine);
        await executor.StartAsync();
        var busyLoops = new[] { StartBusyLoop(), StartBusyLoop() };
        InvocationResult[] results;
        try
        {
            results = await Task.WhenAll(Enumerable.Range(0, 16).Select(i =>
                // 3 s, not the 2 s: under two busy loops and the CLI tests in parallel, the engine took up to 1.95 s
                // from its start to report an echo's exit (seen in a CI-style run), so 2 s measured the engine, not the fix.
                executor.InvokeAsync(Call(TestImages.TestFunction, $"echo {i}") with { Timeout = TimeSpan.FromSeconds(3) })));
        }
        finally
        {
            foreach (var loop in busyLoops)
            {
                await StopAsync(loop);
            }
        }

        try
        {
            results.Where(r => r.Status != InvocationStatus.Success)
                .Select(r => $"{r.Status} {r.Error?.Kind}: {r.Error?.Message} ({r.Timings})")
                .ShouldBeEmpty("every echo runs to its end, however long its start took");
            results.Select(r => r.OutputAsString()).ShouldBe(Enumerable.Range(0, 16).Select(i => $"echo {i}"), ignoreOrder: true);
        }
        finally
        {
            foreach (var result in results)
            {
                result.Dispose();
            }
        }

        await executor.DisposeAsync();
        await AssertNoContainersLeftAsync(engine, executor);
    }

    [Fact]
    public async Task StartPastTheStartBound_Is504StartTimeoutWithTimings_AndLeavesNoContainer()
    {
        // A bound no engine meets: ensure-image, create and start each take an engine round trip.
        await using var executor = Create(engine, o => o.StartTimeout = TimeSpan.FromMilliseconds(1));
        await executor.StartAsync();

        using var result = await executor.InvokeAsync(Call(TestImages.TestFunction, "never runs"));

        result.Status.ShouldBe(InvocationStatus.Timeout, result.ToString());
        result.Error!.Kind.ShouldBe(FnErrorKind.StartTimeout);
        result.Error.StatusCode.ShouldBe(504);
        result.Error.Message.ShouldStartWith("Timed out: the container did not start within 0.001 s (queue ");
        result.Error.Message.ShouldEndWith("; the function did not run");
        result.Output.Length.ShouldBe(0);
        var timings = result.Timings;
        (timings.Queue + timings.Image + timings.Create + timings.AttachStart).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(1));
        timings.Run.ShouldBe(TimeSpan.Zero);

        await executor.DisposeAsync();
        await AssertNoContainersLeftAsync(engine, executor);
    }

    private static Process StartBusyLoop()
    {
        var info = new ProcessStartInfo("sh") { UseShellExecute = false };
        info.ArgumentList.Add("-c");
        info.ArgumentList.Add("while :; do :; done");
        return Process.Start(info) ?? throw new InvalidOperationException("sh did not start");
    }

    private static async Task StopAsync(Process process)
    {
        using (process)
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            await process.WaitForExitAsync();
        }
    }
}
