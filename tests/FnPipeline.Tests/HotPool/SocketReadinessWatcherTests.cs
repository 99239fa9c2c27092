using System.Net.Sockets;
using FnPipeline.HotPool;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace FnPipeline.Tests.HotPool;

public sealed class SocketReadinessWatcherTests : IDisposable
{
    private readonly string _base = Directory.CreateTempSubdirectory("fnpw-").FullName;
    private readonly List<Socket> _sockets = [];

    [Fact]
    public async Task Result_SocketAppearsAfterArming_IsReady()
    {
        var directory = SocketDirectory.Create(_base);
        using var sut = new SocketReadinessWatcher(directory, TimeProvider.System, NullLogger.Instance);
        sut.Result.IsCompleted.ShouldBeFalse();

        Bind(directory, "lsnr.sock.tmp");
        sut.Result.IsCompleted.ShouldBeFalse("a bound temporary name is not readiness");
        File.CreateSymbolicLink(directory.SocketPath, "lsnr.sock.tmp");

        (await sut.Result.WaitAsync(TimeSpan.FromSeconds(5))).State.ShouldBe(SocketCheckState.Ready);
    }

    [Fact]
    public async Task Result_SocketThereBeforeArming_IsReadyFromTheRecheck()
    {
        var directory = SocketDirectory.Create(_base);
        Bind(directory, "lsnr.sock");

        using var sut = new SocketReadinessWatcher(directory, TimeProvider.System, NullLogger.Instance);

        sut.Result.IsCompletedSuccessfully.ShouldBeTrue();
        (await sut.Result).State.ShouldBe(SocketCheckState.Ready);
    }

    [Fact]
    public async Task Result_LinkBeforeItsTarget_BecomesReadyWhenTheTargetAppears()
    {
        var time = new GraceSignallingTime();
        var directory = SocketDirectory.Create(_base);
        using var sut = new SocketReadinessWatcher(directory, time, NullLogger.Instance);

        File.CreateSymbolicLink(directory.SocketPath, "lsnr.sock.tmp");
        // The link's event reached the watcher, which saw it dangling and armed its grace (on the fake clock: it cannot run out).
        await time.GraceArmed.Task.WaitAsync(TimeSpan.FromSeconds(30));
        sut.Result.IsCompleted.ShouldBeFalse("a dangling link waits for its target");
        Bind(directory, "lsnr.sock.tmp");

        (await sut.Result.WaitAsync(TimeSpan.FromSeconds(5))).State.ShouldBe(SocketCheckState.Ready);
    }

    [Fact]
    public async Task Result_InvalidLink_IsInvalid()
    {
        var directory = SocketDirectory.Create(_base);
        using var sut = new SocketReadinessWatcher(directory, TimeProvider.System, NullLogger.Instance);

        File.CreateSymbolicLink(directory.SocketPath, "/etc/passwd");

        (await sut.Result.WaitAsync(TimeSpan.FromSeconds(5))).State.ShouldBe(SocketCheckState.Invalid);
    }

    [Fact]
    public async Task Result_DanglingLink_WaitsOutTheGrace_ThenFailsNamingTheTarget()
    {
        var time = new FakeTimeProvider();
        var directory = SocketDirectory.Create(_base);
        File.CreateSymbolicLink(directory.SocketPath, "lsnr.sock.tmp");

        // The constructor's own look sees the link, so the grace is armed before it returns.
        using var sut = new SocketReadinessWatcher(directory, time, NullLogger.Instance);
        time.Advance(SocketReadinessWatcher.DanglingGrace - TimeSpan.FromMilliseconds(1));
        sut.Result.IsCompleted.ShouldBeFalse("the grace has not passed yet");
        time.Advance(TimeSpan.FromMilliseconds(1));

        var check = await sut.Result.WaitAsync(TimeSpan.FromSeconds(5));
        check.State.ShouldBe(SocketCheckState.Invalid);
        check.Problem.ShouldBe("unable to stat unix socket file: lsnr.sock is a symlink to 'lsnr.sock.tmp', which does not exist");
    }

    [Fact]
    public async Task Result_DanglingLink_OnTheRealClock_FailsWithoutWaitingForTheStartTimeout()
    {
        var directory = SocketDirectory.Create(_base);
        using var sut = new SocketReadinessWatcher(directory, TimeProvider.System, NullLogger.Instance);

        File.CreateSymbolicLink(directory.SocketPath, "lsnr.sock.tmp");

        // Generous against load: the point is that it ends without anybody's timeout, through the directory event.
        var check = await sut.Result.WaitAsync(TimeSpan.FromSeconds(30));
        check.State.ShouldBe(SocketCheckState.Invalid);
        check.Problem!.ShouldStartWith("unable to stat unix socket file");
    }

    [Fact]
    public async Task Result_TargetAppearingWithinTheGrace_IsReady()
    {
        var time = new FakeTimeProvider();
        var directory = SocketDirectory.Create(_base);
        File.CreateSymbolicLink(directory.SocketPath, "lsnr.sock.tmp");
        using var sut = new SocketReadinessWatcher(directory, time, NullLogger.Instance);

        Bind(directory, "lsnr.sock.tmp");

        (await sut.Result.WaitAsync(TimeSpan.FromSeconds(5))).State.ShouldBe(SocketCheckState.Ready);
    }

    [Fact]
    public async Task Result_RegularFile_IsInvalidAtOnce()
    {
        var time = new FakeTimeProvider();
        var directory = SocketDirectory.Create(_base);
        using var sut = new SocketReadinessWatcher(directory, time, NullLogger.Instance);

        await File.WriteAllTextAsync(directory.SocketPath, "not a socket");

        var check = await sut.Result.WaitAsync(TimeSpan.FromSeconds(5));
        check.State.ShouldBe(SocketCheckState.Invalid);
        check.Problem.ShouldBe("listener file is not a socket");
    }

    public void Dispose()
    {
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }

        Directory.Delete(_base, recursive: true);
    }

    /// <summary>A fake clock that signals when the watcher arms its dangling-link grace (the one timer it creates unarmed).</summary>
    private sealed class GraceSignallingTime : FakeTimeProvider
    {
        public TaskCompletionSource GraceArmed { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var timer = base.CreateTimer(callback, state, dueTime, period);
            if (dueTime == Timeout.InfiniteTimeSpan)
            {
                GraceArmed.TrySetResult();
            }

            return timer;
        }
    }

    private void Bind(SocketDirectory directory, string name)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(Path.Join(directory.Path, name)));
        _sockets.Add(socket);
    }
}
