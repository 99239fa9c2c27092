using FnPipeline.Tests.Fakes;
using FnPipeline.Tests.HotPool.Fakes;

namespace FnPipeline.Tests.HotPool;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class HotCallDispatcherStartupTests
{
    [Fact]
    public async Task InvokeAsync_FunctionNeverListens_Returns504AfterTheStartTimeoutAndRemovesEverything()
    {
        await using var sut = HotPoolHarness.CreateWithFakeTime(o => o.Hot.StartTimeout = TimeSpan.FromSeconds(5));
        sut.Driver.Functions = _ => new FakeFunction { Start = FakeStart.NeverListen };

        var call = sut.InvokeAsync(HotPoolHarness.Call());
        await Eventually.HoldsAsync(() => sut.Driver.Events.Any(e => e.StartsWith("start", StringComparison.Ordinal)), "the container started");
        sut.FakeTime.Advance(TimeSpan.FromSeconds(4.9));
        call.IsCompleted.ShouldBeFalse();
        sut.FakeTime.Advance(TimeSpan.FromSeconds(0.1));
        using var result = await call;

        result.Error!.Kind.ShouldBe(FnErrorKind.ContainerInitTimeout);
        result.Error.StatusCode.ShouldBe(504);
        result.Error.Message.ShouldStartWith("container initialization timed out");
        // The keeper lets go of the container after the engine's removal returned: wait for both.
        await Eventually.HoldsAsync(
            () => sut.Driver.Alive == 0 && sut.SocketDirectories().Count == 0 && sut.Dispatcher.Containers == 0, "container and directory removed");
    }

    [Fact]
    public async Task InvokeAsync_OwnLaunchPastTheStartBound_Returns504StartTimeoutWithTimingsAndTheLaunchIsCleanedUp()
    {
        await using var sut = HotPoolHarness.CreateWithFakeTime(o =>
        {
            o.StartTimeout = TimeSpan.FromSeconds(3);
            o.Hot.StartTimeout = TimeSpan.FromSeconds(10);
        });
        sut.Driver.Functions = _ => new FakeFunction { Start = FakeStart.NeverListen };

        var call = sut.InvokeAsync(HotPoolHarness.Call(configure: c => c.Timeout = TimeSpan.FromSeconds(1)));
        await Eventually.HoldsAsync(() => sut.Driver.Events.Any(e => e.StartsWith("start", StringComparison.Ordinal)), "the container started");
        sut.FakeTime.Advance(TimeSpan.FromSeconds(3));
        using var result = await call;

        result.Status.ShouldBe(InvocationStatus.Timeout);
        result.Error.ShouldBe(new FnError(
            FnErrorKind.StartTimeout,
            504,
            "Timed out: the container did not start within 3 s (queue 0.0 s, image 0.0 s, create 0.0 s, start 0.0 s, socket wait 3.0 s); the function did not run"));
        result.Timings.SocketWait.ShouldBe(TimeSpan.FromSeconds(3));
        result.Timings.AttachStart.ShouldBe(TimeSpan.Zero);
        sut.RequestsReceived.ShouldBe(0);

        // The launch goes on without its caller and fails on its own socket bound, removing what it made.
        sut.FakeTime.Advance(TimeSpan.FromSeconds(7));
        await Eventually.HoldsAsync(() => sut.Driver.Alive == 0 && sut.SocketDirectories().Count == 0, "container and directory removed");
    }

    [Fact]
    public async Task InvokeAsync_SocketWaitTimesOut_TheResultAndMessageCarryTheLaunchsStageTimings()
    {
        var time = new TimerRecordingTimeProvider();
        await using var sut = HotPoolHarness.Create(o => o.Hot.StartTimeout = TimeSpan.FromSeconds(7), time);
        sut.Driver.Functions = _ => new FakeFunction { Start = FakeStart.NeverListen };
        sut.Driver.DuringStep = step => time.Advance(step == "image" ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(2));

        var call = sut.InvokeAsync(HotPoolHarness.Call());
        await time.WaitForTimerAsync(TimeSpan.FromSeconds(7));
        time.Advance(TimeSpan.FromSeconds(7));
        using var result = await call;

        result.Error.ShouldBe(new FnError(
            FnErrorKind.ContainerInitTimeout,
            504,
            "container initialization timed out: no socket after 7 s from the container's start " +
            "(queue 0.0 s, image 1.0 s, create 2.0 s, start 0.0 s, socket wait 7.0 s), " +
            "please ensure you are using the latest fdk and check the logs"));
        result.Timings.Image.ShouldBe(TimeSpan.FromSeconds(1));
        result.Timings.Create.ShouldBe(TimeSpan.FromSeconds(2));
        result.Timings.AttachStart.ShouldBe(TimeSpan.Zero);
        result.Timings.SocketWait.ShouldBe(TimeSpan.FromSeconds(7));
        result.Timings.Queue.ShouldBe(TimeSpan.Zero);
        result.Timings.Run.ShouldBe(TimeSpan.Zero);
        await Eventually.HoldsAsync(() => sut.Driver.Alive == 0 && sut.SocketDirectories().Count == 0, "container and directory removed");
    }

    [Fact]
    public async Task InvokeAsync_ContainerExitsBeforeListening_Returns502WithExitCodeAndStderrTail()
    {
        await using var sut = HotPoolHarness.Create();
        sut.Driver.Functions = _ => new FakeFunction
        {
            Start = FakeStart.ExitAtStart,
            ExitCode = 2,
            StartupStderr = "line 1\nline 2\nFN_FORMAT must be http-stream\n",
        };

        using var result = await sut.InvokeAsync(HotPoolHarness.Call());

        result.Error!.Kind.ShouldBe(FnErrorKind.ContainerInitFailed);
        result.Error.StatusCode.ShouldBe(502);
        result.Error.Message.ShouldContain("container exit code 2");
        result.Error.Message.ShouldContain("FN_FORMAT must be http-stream");
        result.Error.Message.ShouldStartWith("container failed to initialize");
        await Eventually.HoldsAsync(() => sut.Driver.Alive == 0 && sut.SocketDirectories().Count == 0, "container and directory removed");
    }

    [Theory]
    [InlineData(SocketLayout.AbsoluteSymlink, "invalid unix socket symlink, symlinks must be relative within the unix socket directory")]
    [InlineData(SocketLayout.RegularFile, "listener file is not a socket")]
    public async Task InvokeAsync_InvalidSocket_Returns502ContainerFailedToInitialize(SocketLayout layout, string problem)
    {
        await using var sut = HotPoolHarness.Create();
        sut.Driver.Functions = _ => new FakeFunction { Layout = layout };

        using var result = await sut.InvokeAsync(HotPoolHarness.Call());

        result.Error!.Kind.ShouldBe(FnErrorKind.ContainerInitFailed);
        result.Error.Message.ShouldContain(problem);
        await Eventually.HoldsAsync(() => sut.Driver.Alive == 0, "container removed");
    }

    [Fact]
    public async Task InvokeAsync_SocketBoundDirectly_Works()
    {
        await using var sut = HotPoolHarness.Create();
        sut.Driver.Functions = _ => new FakeFunction { Layout = SocketLayout.Direct };

        using var result = await sut.InvokeAsync(HotPoolHarness.Call("direct"));

        result.OutputAsString().ShouldBe("direct");
    }

    [Fact]
    public async Task InvokeAsync_ImageRefused_ReturnsTheDriversErrorAndFreesTheLimit()
    {
        await using var sut = HotPoolHarness.Create(o =>
        {
            o.Hot.MaxContainers = 1;
            o.Hot.MaxContainersPerFunction = 1;
        });
        sut.Driver.ImageFailure = _ => new FnCallException(new FnError(FnErrorKind.ImageNotFound, 404, "manifest unknown"));

        using var refused = await sut.InvokeAsync(HotPoolHarness.Call());
        sut.Driver.ImageFailure = _ => null;
        using var next = await sut.InvokeAsync(HotPoolHarness.Call("again"));

        refused.Error!.Kind.ShouldBe(FnErrorKind.ImageNotFound);
        next.OutputAsString().ShouldBe("again");
        sut.SocketDirectories().Count.ShouldBe(1);
    }

    [Fact]
    public async Task InvokeAsync_EngineFails_ThrowsFnEngineException()
    {
        await using var sut = HotPoolHarness.Create();
        sut.Driver.ImageFailure = _ => new InvalidOperationException("engine unreachable");

        var failure = await Should.ThrowAsync<FnEngineException>(() => sut.InvokeAsync(HotPoolHarness.Call()));

        failure.Message.ShouldContain("engine unreachable");
        await Eventually.HoldsAsync(() => sut.SocketDirectories().Count == 0, "directory removed");
    }

    [Fact]
    public async Task Launch_ContainerSpec_FollowsTheContract()
    {
        await using var sut = HotPoolHarness.Create();

        using var result = await sut.InvokeAsync(HotPoolHarness.Call("x", c => c.Environment["MY_CONFIG"] = "v"));

        var spec = sut.Driver.Containers.Single().Spec;
        var env = spec.Environment.ToDictionary(p => p.Key, p => p.Value);
        env["FN_FORMAT"].ShouldBe("http-stream");
        env["FN_LISTENER"].ShouldBe("unix:/tmp/iofs/lsnr.sock");
        env["FN_APP_ID"].ShouldBe("app1");
        env["MY_CONFIG"].ShouldBe("v");
        spec.AttachStdin.ShouldBeFalse();
        spec.Labels["fnpipeline.format"].ShouldBe("http-stream");
        var mount = spec.Volumes.Single(v => v.ContainerPath == "/tmp/iofs");
        Path.GetFileName(mount.HostPath).Length.ShouldBe(17);
        Path.GetFileName(mount.HostPath).ShouldStartWith("iofs-");
        File.GetUnixFileMode(mount.HostPath).ShouldBe((UnixFileMode)0b111_111_111);
    }
}
