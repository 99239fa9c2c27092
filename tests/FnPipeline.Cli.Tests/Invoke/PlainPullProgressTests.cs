using FnPipeline.Cli.Progress;

namespace FnPipeline.Cli.Tests.Invoke;

/// <summary>Pull progress without a terminal: one line per layer and status change.</summary>
public sealed class PlainPullProgressTests
{
    private const string Image = "127.0.0.1:5000/fnpipeline/busybox:latest";

    [Fact]
    public async Task Report_PrintsStatusChangesOnly()
    {
        using var writer = new StringWriter { NewLine = "\n" };
        var sut = new PlainPullProgress(writer);

        sut.Report(new ImagePullProgress(Image, "latest", "Pulling from fnpipeline/busybox", null, null));
        sut.Report(new ImagePullProgress(Image, "a1b2c3d4e5f6", "Pulling fs layer", null, null));
        sut.Report(new ImagePullProgress(Image, "a1b2c3d4e5f6", "Downloading", 1024, 2 * 1024 * 1024));
        sut.Report(new ImagePullProgress(Image, "a1b2c3d4e5f6", "Downloading", 2048, 2 * 1024 * 1024));
        sut.Report(new ImagePullProgress(Image, "a1b2c3d4e5f6", "Pull complete", null, null));
        sut.Report(new ImagePullProgress(Image, null, "Status: Downloaded newer image for " + Image, null, null));
        await sut.CompleteAsync();

        writer.ToString().ShouldBe($"""
            fnpipe: pulling {Image}
            fnpipe: pull {Image}: latest: Pulling from fnpipeline/busybox
            fnpipe: pull {Image}: a1b2c3d4e5f6: Pulling fs layer
            fnpipe: pull {Image}: a1b2c3d4e5f6: Downloading (2.0 MiB)
            fnpipe: pull {Image}: a1b2c3d4e5f6: Pull complete
            fnpipe: pull {Image}: Status: Downloaded newer image for {Image}

            """.ReplaceLineEndings("\n"));
    }

    [Fact]
    public async Task NoPull_PrintsNothing()
    {
        using var writer = new StringWriter();
        var sut = PullProgressDisplay.Create(writer, terminal: false);

        await sut.DisposeAsync();

        writer.ToString().ShouldBeEmpty();
    }
}
