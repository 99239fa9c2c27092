using Docker.DotNet.Models;
using FnPipeline.IntegrationTests.Cold;
using FnPipeline.IntegrationTests.Infrastructure;

namespace FnPipeline.IntegrationTests.Hot;

/// <summary>
/// A blank <see cref="FnPipelineOptions.InstanceId"/> once gave the executor one id and its containers' labels another
/// (the driver made its own): the engine must list the executor's containers under <see cref="IFnExecutor.InstanceId"/>.
/// </summary>
[Collection(DockerCollectionDefinition.Name)]
public sealed class ExecutorInstanceIdTests(EngineFixture engine)
{
    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task BlankInstanceId_TheEngineListsTheContainerUnderTheExecutorsId(string configured)
    {
        var baseDirectory = Path.Join("/tmp", "fnpi-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(baseDirectory);
        try
        {
            var executor = ExecutorTestKit.Create(engine, o =>
            {
                o.InstanceId = configured;
                o.Hot.SocketBaseDirectory = baseDirectory;
            });
            await using (executor)
            {
                // A hot container stays (idle) after its call, so the engine can be asked for it.
                using var result = await executor.InvokeAsync(HotExecutorKit.Call(TestImages.TestFunction, "hello"));
                result.Status.ShouldBe(InvocationStatus.Success, result.Error?.Message);

                executor.InstanceId.ShouldMatch("^[0-9a-f]{12}$");
                var id = (await ExecutorTestKit.ContainersOf(engine, executor)).ShouldHaveSingleItem();
                ContainerInspectResponse inspected = await engine.Client.Containers.InspectContainerAsync(id);
                inspected.Config.ShouldNotBeNull().Labels["fnpipeline.instance"].ShouldBe(executor.InstanceId);
                inspected.Name.ShouldStartWith($"/fnpipeline-{executor.InstanceId}-hot-");
            }

            await ExecutorTestKit.AssertNoContainersLeftAsync(engine, executor);
        }
        finally
        {
            Directory.Delete(baseDirectory, recursive: true);
        }
    }
}
