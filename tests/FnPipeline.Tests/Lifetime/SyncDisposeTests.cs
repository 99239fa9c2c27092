using FnPipeline.Tests.Fakes;
using Microsoft.Extensions.DependencyInjection;

namespace FnPipeline.Tests.Lifetime;

/// <summary>
/// A synchronous dispose (a service provider's <c>Dispose</c>) neither throws nor blocks: it starts the executor's
/// shutdown, which finishes in the background.
/// </summary>
public sealed class SyncDisposeTests
{
    [Fact]
    public async Task ServiceProvider_DisposedSynchronously_DoesNotThrowAndDisposesTheExecutor()
    {
        var directory = Directory.CreateTempSubdirectory("fnpsd-").FullName;
        try
        {
            var services = new ServiceCollection().AddFnPipeline(o =>
            {
                // No engine is touched: the executor is created and disposed without a call.
                o.DockerEndpoint = $"unix://{directory}/no-engine.sock";
                o.ReapOrphans = false;
                o.Hot.SocketBaseDirectory = directory;
            });
            var provider = services.BuildServiceProvider();
            var executor = provider.GetRequiredService<IFnExecutor>();

            Should.NotThrow(provider.Dispose);

            await Should.ThrowAsync<ObjectDisposedException>(() => executor.InvokeAsync(new FunctionCall { Image = "fnpipeline/testfn:latest" }));
            await executor.DisposeAsync().AsTask().WaitAsync(TimeSpan.FromSeconds(30));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task Dispose_WhileACallRuns_ReturnsAtOnceAndTheShutdownFinishesInTheBackground()
    {
        var driver = new FakeContainerDriver { RunGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously) };
        var executor = new FnExecutor(new FnPipelineOptions { InstanceId = "sync-dispose" }, driver, null, null, null);
        var call = executor.InvokeAsync(new FunctionCall { Image = "fnpipeline/testfn:latest", Input = CallInput.FromString("hi") });
        await Eventually.HoldsAsync(() => driver.StartsBegun == 1, "the call runs");

        // Returns while the call still runs: it does not wait for the drain (which would block on the run gate).
        executor.Dispose();

        call.IsCompleted.ShouldBeFalse();
        await Should.ThrowAsync<ObjectDisposedException>(() => executor.InvokeAsync(new FunctionCall { Image = "fnpipeline/testfn:latest" }));
        driver.RunGate.SetResult();
        using var result = await call;
        result.Status.ShouldBe(InvocationStatus.Success);
        await executor.DisposeAsync();
        driver.Removed.ShouldBe(1);
        driver.Alive.ShouldBe(0);
    }
}
