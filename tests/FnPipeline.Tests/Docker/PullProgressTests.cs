using Docker.DotNet.Models;
using FnPipeline.Docker;

namespace FnPipeline.Tests.Docker;

/// <summary>The pull stream watcher: keeps the first in-band error and forwards events to <see cref="FnPipelineOptions.ImagePullProgress"/>.</summary>
public sealed class PullProgressTests
{
    private const string Image = "127.0.0.1:5000/fnpipeline/busybox:latest";

    [Fact]
    public void Report_LayerEvents_AreForwardedWithTheirByteCounts()
    {
        var sink = new ListProgress();
        var sut = new PullProgress(Image, sink);

        sut.Report(new JSONMessage { Status = "Pulling from fnpipeline/busybox", ID = "latest" });
        sut.Report(new JSONMessage { Status = "Downloading", ID = "a1b2c3", Progress = new JSONProgress { Current = 512, Total = 2048 } });
        sut.Report(new JSONMessage { Status = "Pull complete", ID = "a1b2c3", Progress = new JSONProgress() });
        sut.Report(new JSONMessage { Status = "Digest: sha256:00" });

        sink.Events.ShouldBe(
        [
            new ImagePullProgress(Image, "latest", "Pulling from fnpipeline/busybox", null, null),
            new ImagePullProgress(Image, "a1b2c3", "Downloading", 512, 2048),
            new ImagePullProgress(Image, "a1b2c3", "Pull complete", null, null),
            new ImagePullProgress(Image, null, "Digest: sha256:00", null, null),
        ]);
        sut.Error.ShouldBeNull();
    }

    [Fact]
    public void Report_WithoutSink_StillKeepsTheFirstError()
    {
        var sut = new PullProgress();

        sut.Report(new JSONMessage { Error = new JSONError { Code = 404, Message = "manifest unknown" } });
        sut.Report(new JSONMessage { Error = new JSONError { Code = 500, Message = "later" } });

        sut.Error.ShouldBe("manifest unknown");
        sut.ErrorCode.ShouldBe(404);
    }

    [Fact]
    public void Report_ErrorOnlyEvents_AreNotForwarded()
    {
        var sink = new ListProgress();
        var sut = new PullProgress(Image, sink);

        sut.Report(new JSONMessage { Error = new JSONError { Message = "unauthorized" } });

        sink.Events.ShouldBeEmpty();
        sut.Error.ShouldBe("unauthorized");
    }

    private sealed class ListProgress : IProgress<ImagePullProgress>
    {
        public List<ImagePullProgress> Events { get; } = [];

        public void Report(ImagePullProgress value) => Events.Add(value);
    }
}
