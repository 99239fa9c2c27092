using System.Net;
using Docker.DotNet;
using Docker.DotNet.Models;
using FnPipeline.Docker;
using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace FnPipeline.Tests.Docker;

/// <summary>One removal attempt against the engine; retries and the bound are the removal queue's (ContainerTrackerTests).</summary>
public sealed class ContainerRemoverTests
{
    private readonly IContainerOperations _containers = Substitute.For<IContainerOperations>();
    private readonly IDockerClient _client = Substitute.For<IDockerClient>();

    public ContainerRemoverTests() => _client.Containers.Returns(_containers);

    [Fact]
    public async Task RemoveOnceAsync_ForcesAndRemovesVolumes()
    {
        await ContainerRemover.RemoveOnceAsync(_client, "c1", CancellationToken.None);

        await _containers.Received(1).RemoveContainerAsync(
            "c1", Arg.Is<ContainerRemoveParameters>(p => p.Force == true && p.RemoveVolumes == true), Arg.Any<CancellationToken>());
    }

    [Fact]
    public async Task RemoveOnceAsync_NoSuchContainer_IsGone()
    {
        _containers.RemoveContainerAsync("c1", Arg.Any<ContainerRemoveParameters>(), Arg.Any<CancellationToken>())
            .ThrowsAsync(new DockerApiException(HttpStatusCode.NotFound, """{"message":"No such container: c1"}"""));

        await ContainerRemover.RemoveOnceAsync(_client, "c1", CancellationToken.None);
    }

    [Theory]
    [InlineData(HttpStatusCode.Conflict, "removal of container c1 is already in progress")]
    [InlineData(HttpStatusCode.InternalServerError, "driver failed")]
    public async Task RemoveOnceAsync_NotConfirmedGone_Throws(HttpStatusCode status, string message)
    {
        _containers.RemoveContainerAsync("c1", Arg.Any<ContainerRemoveParameters>(), Arg.Any<CancellationToken>())
            .ThrowsAsync(new DockerApiException(status, $$"""{"message":"{{message}}"}"""));

        var thrown = await Should.ThrowAsync<DockerApiException>(() => ContainerRemover.RemoveOnceAsync(_client, "c1", CancellationToken.None));

        thrown.StatusCode.ShouldBe(status);
    }

    [Fact]
    public async Task RemoveOnceAsync_EngineAway_Throws()
    {
        _containers.RemoveContainerAsync("c1", Arg.Any<ContainerRemoveParameters>(), Arg.Any<CancellationToken>())
            .ThrowsAsync(new HttpRequestException("engine gone"));

        await Should.ThrowAsync<HttpRequestException>(() => ContainerRemover.RemoveOnceAsync(_client, "c1", CancellationToken.None));
    }
}
