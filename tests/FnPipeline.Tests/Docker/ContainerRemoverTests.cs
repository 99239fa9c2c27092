using System.Net;
using Docker.DotNet;
using Docker.DotNet.Models;
using FnPipeline.Docker;
using Microsoft.Extensions.Logging.Abstractions;
using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace FnPipeline.Tests.Docker;

public sealed class ContainerRemoverTests
{
    private readonly IContainerOperations _containers = Substitute.For<IContainerOperations>();
    private readonly IDockerClient _client = Substitute.For<IDockerClient>();

    public ContainerRemoverTests() => _client.Containers.Returns(_containers);

    private ContainerRemover CreateSut(int maxConcurrent = 2, TimeSpan? timeout = null) =>
        new(_client, maxConcurrent, TimeProvider.System, NullLogger.Instance, timeout);

    [Fact]
    public async Task RemoveAsync_ForcesAndRemovesVolumes()
    {
        using var sut = CreateSut();

        (await sut.RemoveAsync("c1")).ShouldBeTrue();

        await _containers.Received(1).RemoveContainerAsync(
            "c1", Arg.Is<ContainerRemoveParameters>(p => p.Force == true && p.RemoveVolumes == true), Arg.Any<CancellationToken>());
    }

    [Theory]
    [InlineData(HttpStatusCode.NotFound, "No such container: c1")]
    [InlineData(HttpStatusCode.Conflict, "removal of container c1 is already in progress")]
    public async Task RemoveAsync_AlreadyGoneOrGoing_IsSuccess(HttpStatusCode status, string message)
    {
        _containers.RemoveContainerAsync("c1", Arg.Any<ContainerRemoveParameters>(), Arg.Any<CancellationToken>())
            .ThrowsAsync(new DockerApiException(status, $$"""{"message":"{{message}}"}"""));
        using var sut = CreateSut();

        (await sut.RemoveAsync("c1")).ShouldBeTrue();
    }

    [Fact]
    public async Task RemoveAsync_EngineFailure_IsFalse_NeverThrown()
    {
        _containers.RemoveContainerAsync("c1", Arg.Any<ContainerRemoveParameters>(), Arg.Any<CancellationToken>())
            .ThrowsAsync(new HttpRequestException("engine gone"));
        using var sut = CreateSut();

        (await sut.RemoveAsync("c1")).ShouldBeFalse();
    }

    [Fact]
    public async Task RemoveAsync_HangingEngine_GivesUpAfterItsTimeout()
    {
        _containers.RemoveContainerAsync("c1", Arg.Any<ContainerRemoveParameters>(), Arg.Any<CancellationToken>())
            .Returns(call => Task.Delay(Timeout.Infinite, call.ArgAt<CancellationToken>(2)));
        using var sut = CreateSut(timeout: TimeSpan.FromMilliseconds(50));

        (await sut.RemoveAsync("c1")).ShouldBeFalse();
    }

    [Fact]
    public async Task RemoveAsync_ManyAtOnce_RunAtMostMaxConcurrent()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var running = 0;
        var maxRunning = 0;
        _containers.RemoveContainerAsync(Arg.Any<string>(), Arg.Any<ContainerRemoveParameters>(), Arg.Any<CancellationToken>())
            .Returns(async _ =>
            {
                var now = Interlocked.Increment(ref running);
                InterlockedMax(ref maxRunning, now);
                await release.Task;
                Interlocked.Decrement(ref running);
            });
        using var sut = CreateSut(maxConcurrent: 3);

        var removals = Enumerable.Range(0, 10).Select(i => sut.RemoveAsync($"c{i}")).ToList();
        await Task.Delay(50);
        sut.InProgress.ShouldBe(3);
        release.SetResult();

        (await Task.WhenAll(removals)).ShouldAllBe(ok => ok);
        maxRunning.ShouldBe(3);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
