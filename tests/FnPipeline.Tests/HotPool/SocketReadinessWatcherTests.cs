using System.Net.Sockets;
using FnPipeline.HotPool;
using Microsoft.Extensions.Logging.Abstractions;

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
        var directory = SocketDirectory.Create(_base);
        using var sut = new SocketReadinessWatcher(directory, TimeProvider.System, NullLogger.Instance);

        File.CreateSymbolicLink(directory.SocketPath, "lsnr.sock.tmp");
        await Task.Delay(50);
        sut.Result.IsCompleted.ShouldBeFalse();
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

    public void Dispose()
    {
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }

        Directory.Delete(_base, recursive: true);
    }

    private void Bind(SocketDirectory directory, string name)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(Path.Join(directory.Path, name)));
        _sockets.Add(socket);
    }
}
