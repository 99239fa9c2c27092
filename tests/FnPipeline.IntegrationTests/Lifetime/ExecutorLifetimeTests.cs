using FnPipeline.IntegrationTests.Cold;
using FnPipeline.IntegrationTests.Hot;
using FnPipeline.IntegrationTests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace FnPipeline.IntegrationTests.Lifetime;

/// <summary>On the real engine: the one cancellation rule on both lanes, and a service provider disposed synchronously.</summary>
[Collection(DockerCollectionDefinition.Name)]
[Trait("Category", "Docker")]
public sealed class ExecutorLifetimeTests(EngineFixture engine)
{
    [Fact]
    public async Task Cancellation_BeforeAndDuringACall_IsACancelledResultOnBothLanes()
    {
        // Cold: before the executor's first engine contact, then while the container runs.
        await using (var cold = ExecutorTestKit.Create(engine))
        {
            using var before = await cold.InvokeAsync(ExecutorTestKit.Call(TestImages.TestFunction, "!sleep 60000\n"), new CancellationToken(canceled: true));
            before.Status.ShouldBe(InvocationStatus.Cancelled, before.ToString());
            (await ExecutorTestKit.ContainersOf(engine, cold)).ShouldBeEmpty("a call cancelled before it starts does no engine work");

            using var cancel = new CancellationTokenSource();
            var running = cold.InvokeAsync(ExecutorTestKit.Call(TestImages.TestFunction, "!sleep 60000\n"), cancel.Token);
            await HotExecutorKit.EventuallyAsync(async () => (await ExecutorTestKit.ContainersOf(engine, cold)).Count == 1, "the cold container exists");
            await cancel.CancelAsync();
            using var during = await running;
            during.Status.ShouldBe(InvocationStatus.Cancelled, during.ToString());
            during.Error!.StatusCode.ShouldBe(499);
            await ExecutorTestKit.AssertNoContainersLeftAsync(engine, cold);
        }

        // Hot: before the call (the idle container stays), then while the function sleeps in the call.
        await using var hot = await HotExecutorKit.StartAsync(engine);
        using (var warm = await hot.InvokeAsync(HotExecutorKit.Call(TestImages.TestFunction, "warm")))
        {
            warm.Status.ShouldBe(InvocationStatus.Success, warm.ToString());
        }

        using var hotBefore = await hot.InvokeAsync(HotExecutorKit.Call(TestImages.TestFunction, "!sleep 60000\n"), new CancellationToken(canceled: true));
        hotBefore.Status.ShouldBe(InvocationStatus.Cancelled, hotBefore.ToString());
        (await hot.ContainersAsync()).Count.ShouldBe(1, "the idle container is not spent on a call cancelled before it starts");

        using var hotCancel = new CancellationTokenSource();
        var hotRunning = hot.InvokeAsync(HotExecutorKit.Call(TestImages.TestFunction, "!sleep 60000\n"), hotCancel.Token);
        await HotExecutorKit.EventuallyAsync(() => Task.FromResult(hot.Dispatcher.InFlight == 1 && hot.Dispatcher.Waiting == 0), "the call runs on the idle container");
        await hotCancel.CancelAsync();
        using var hotDuring = await hotRunning;
        hotDuring.Status.ShouldBe(InvocationStatus.Cancelled, hotDuring.ToString());
        hotDuring.Error!.StatusCode.ShouldBe(499);
    }

    [Fact]
    public async Task ServiceProvider_DisposedSynchronously_RemovesTheContainersInTheBackground()
    {
        var baseDirectory = Path.Join("/tmp", "fnpl-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(baseDirectory);
        var instance = "sd" + Guid.NewGuid().ToString("N")[..10];
        var provider = new ServiceCollection().AddFnPipeline(o =>
        {
            o.DockerEndpoint = engine.Endpoint.ToString();
            o.InstanceId = instance;
            o.ReapOrphans = false;
            o.Hot.SocketBaseDirectory = baseDirectory;
        }).BuildServiceProvider();
        try
        {
            var executor = provider.GetRequiredService<IFnExecutor>();
            using (var result = await executor.InvokeAsync(HotExecutorKit.Call(TestImages.TestFunction, "idle after me")))
            {
                result.Status.ShouldBe(InvocationStatus.Success, result.ToString());
            }

            (await Containers.ListByLabelAsync(engine.Client, $"fnpipeline.instance={instance}")).Count.ShouldBe(1, "the hot container idles");

            Should.NotThrow(provider.Dispose);

            await HotExecutorKit.EventuallyAsync(
                async () => (await Containers.ListByLabelAsync(engine.Client, $"fnpipeline.instance={instance}")).Count == 0,
                "the background shutdown removed the idle container",
                seconds: 60);
            await executor.DisposeAsync();
        }
        finally
        {
            await provider.DisposeAsync();
            Directory.Delete(baseDirectory, recursive: true);
        }
    }
}
