using FnPipeline.IntegrationTests.Hot;
using FnPipeline.IntegrationTests.Infrastructure;
using static FnPipeline.IntegrationTests.Cold.ExecutorTestKit;

namespace FnPipeline.IntegrationTests.Cold;

/// <summary>
/// A malformed <c>FNPIPELINE_DOCKER_AUTH</c> through the whole executor: calls of present images run, a call that
/// must pull fails with the one <see cref="FnConfigurationException"/> (not wrapped as an engine failure), cold and hot.
/// </summary>
[Collection(DockerCollectionDefinition.Name)]
[Trait("Category", "Docker")]
public sealed class CredentialConfigurationTests(EngineFixture engine)
{
    private const string Malformed = "{\"auths\": {\"127.0.0.1:5000\": {\"auth\": \"x\"}";
    private const string Expected = "FNPIPELINE_DOCKER_AUTH (option DockerAuthJson) is not valid JSON at line 1, column 43: ";

    // Not on the engine and never pulled: the credential error comes before any transfer.
    private static readonly string AbsentImage = "127.0.0.1:5000/fnpipeline/never-pulled:" + Guid.NewGuid().ToString("N")[..12];

    [Fact]
    public async Task Cold_PresentImageRuns_PullingCallGetsTheConfigurationError()
    {
        await using var executor = Create(engine, o => o.DockerAuthJson = Malformed);

        using var local = await executor.InvokeAsync(Call(TestImages.Busybox, "hi", "cat"));
        var error = await Should.ThrowAsync<FnConfigurationException>(() => executor.InvokeAsync(Call(AbsentImage, "hi", "cat")));

        local.Status.ShouldBe(InvocationStatus.Success, local.Error?.ToString());
        error.ConfigurationSource.ShouldBe("FNPIPELINE_DOCKER_AUTH");
        error.Message.ShouldStartWith(Expected);
    }

    [Fact]
    public async Task Hot_PullingCallGetsTheConfigurationError()
    {
        await using var kit = await HotExecutorKit.StartAsync(engine, o => o.DockerAuthJson = Malformed);

        var error = await Should.ThrowAsync<FnConfigurationException>(() => kit.InvokeAsync(HotExecutorKit.Call(AbsentImage)));

        error.Message.ShouldStartWith(Expected);
    }
}
