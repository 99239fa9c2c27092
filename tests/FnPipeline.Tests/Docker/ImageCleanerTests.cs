using System.Net;
using Docker.DotNet;
using Docker.DotNet.Models;
using FnPipeline.Docker;
using Microsoft.Extensions.Logging.Abstractions;
using NSubstitute;
using NSubstitute.ExceptionExtensions;

namespace FnPipeline.Tests.Docker;

/// <summary>The image cleaner's bookkeeping over a fake engine that records removals.</summary>
public sealed class ImageCleanerTests : IAsyncDisposable
{
    private const long MB = 1024 * 1024;

    private readonly IImageOperations _images = Substitute.For<IImageOperations>();
    private readonly IDockerClient _client = Substitute.For<IDockerClient>();
    private readonly List<string> _removed = [];
    private ImageCleaner _cleaner;

    public ImageCleanerTests()
    {
        _client.Images.Returns(_images);
        _images.DeleteImageAsync(Arg.Any<string>(), Arg.Any<ImageDeleteParameters>(), Arg.Any<CancellationToken>())
            .Returns(call =>
            {
                lock (_removed)
                {
                    _removed.Add(call.ArgAt<string>(0));
                }

                return Task.FromResult<IList<IDictionary<string, string>>>([]);
            });
        _cleaner = Cleaner(maxMB: 25);
    }

    public async ValueTask DisposeAsync() => await _cleaner.DisposeAsync();

    [Fact]
    public async Task UnderTheLimit_NothingIsRemoved()
    {
        Use("a", 10);
        Use("b", 10);
        await _cleaner.Eviction;

        _removed.ShouldBeEmpty();
        _cleaner.TotalBytes.ShouldBe(20 * MB);
    }

    [Fact]
    public async Task OverTheLimit_TheLeastRecentlyUsedIdleImageGoes()
    {
        Use("a", 10);
        Use("b", 10);
        Use("a", 10);
        Use("c", 10);
        await _cleaner.Eviction;

        _removed.ShouldBe(["sha256:b"]);
        _cleaner.TotalBytes.ShouldBe(20 * MB);
    }

    [Fact]
    public async Task AnImageInUse_IsNotRemoved_UntilItsContainersAreGone()
    {
        Use("a", 10);
        var releaseA = _cleaner.Acquire("a")!;
        Use("b", 10);
        Use("c", 10);
        await _cleaner.Eviction;

        _removed.ShouldBe(["sha256:b"], "a is in use, c was ensured last");

        Use("d", 10);
        await _cleaner.Eviction;
        _removed.ShouldBe(["sha256:b", "sha256:c"]);

        releaseA();
        Use("e", 10);
        await _cleaner.Eviction;
        _removed.ShouldBe(["sha256:b", "sha256:c", "sha256:d"], "a was in use until after d ran: d is the oldest idle");
    }

    [Fact]
    public async Task ReleasingTwice_CountsOnce()
    {
        Use("a", 10);
        var first = _cleaner.Acquire("a")!;
        first();
        first();
        var second = _cleaner.Acquire("a")!;
        Use("b", 10);
        Use("c", 10);
        await _cleaner.Eviction;

        _removed.ShouldBe(["sha256:b"], "a is in use again: a second release must not have made it look idle");
        second();
    }

    [Fact]
    public async Task TheImageEnsuredLast_IsKept_EvenAloneOverTheLimit()
    {
        Use("huge", 40);
        await _cleaner.Eviction;

        _removed.ShouldBeEmpty();
    }

    [Fact]
    public async Task ExemptTags_AreNeverTracked()
    {
        await _cleaner.DisposeAsync();
        _cleaner = Cleaner(maxMB: 15, exempt: "keep:v1");

        Use("keep:v1", 10);
        Use("b", 10);
        Use("c", 10);
        await _cleaner.Eviction;

        _removed.ShouldBe(["sha256:b"]);
        _cleaner.Acquire("keep:v1").ShouldBeNull();
    }

    [Fact]
    public async Task TwoReferencesToOneImage_CountItOnce()
    {
        Use("a", 10);
        _cleaner.Touch("a@sha256:digest", Image("a", 10));
        await _cleaner.Eviction;

        _cleaner.TotalBytes.ShouldBe(10 * MB);
    }

    [Fact]
    public async Task ARefusedRemoval_IsNotRetried_AndTheImageIsForgotten()
    {
        _images.DeleteImageAsync("sha256:a", Arg.Any<ImageDeleteParameters>(), Arg.Any<CancellationToken>())
            .ThrowsAsync(new DockerApiException(HttpStatusCode.Conflict, """{"message":"image is being used by stopped container"}"""));
        Use("a", 10);
        Use("b", 10);
        Use("c", 10);
        await _cleaner.Eviction;

        await _images.Received(1).DeleteImageAsync("sha256:a", Arg.Any<ImageDeleteParameters>(), Arg.Any<CancellationToken>());
        _cleaner.TotalBytes.ShouldBe(20 * MB);
        _cleaner.Acquire("a").ShouldBeNull();
    }

    private static ImageInspectResponse Image(string name, long sizeMB) =>
        new() { ID = "sha256:" + name.Split(':')[0], RepoTags = [name.Contains(':', StringComparison.Ordinal) ? name : name + ":latest"], Size = sizeMB * MB };

    private ImageCleaner Cleaner(long maxMB, params string[] exempt) => new(_client, maxMB * MB, exempt, NullLogger.Instance);

    /// <summary>An ensure followed by a container that has come and gone.</summary>
    private void Use(string name, long sizeMB)
    {
        _cleaner.Touch(name, Image(name, sizeMB));
        _cleaner.Acquire(name)?.Invoke();
    }
}
