using System.Net.Sockets;
using FnPipeline.HotPool;

namespace FnPipeline.Tests.HotPool;

public sealed class SocketDestinationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("fnps-").FullName;
    private readonly List<Socket> _sockets = [];

    private string SocketPath => Path.Join(_dir, "lsnr.sock");

    [Fact]
    public void Check_Nothing_IsPending() => SocketDestination.Check(SocketPath).State.ShouldBe(SocketCheckState.Pending);

    [Fact]
    public void Check_Socket_IsReady()
    {
        Bind("lsnr.sock");

        SocketDestination.Check(SocketPath).State.ShouldBe(SocketCheckState.Ready);
    }

    [Theory]
    [InlineData("lsnr.sock.tmp")]
    [InlineData("./phonylsnr.sock")]
    public void Check_RelativeLinkToASocket_IsReady(string target)
    {
        Bind(target.TrimStart('.', '/'));
        File.CreateSymbolicLink(SocketPath, target);

        SocketDestination.Check(SocketPath).State.ShouldBe(SocketCheckState.Ready);
    }

    [Fact]
    public void Check_LinkWhoseTargetIsMissing_IsDangling_NamingTheTarget()
    {
        File.CreateSymbolicLink(SocketPath, "lsnr.sock.tmp");

        var check = SocketDestination.Check(SocketPath);

        check.State.ShouldBe(SocketCheckState.Dangling);
        check.Problem.ShouldBe("unable to stat unix socket file: lsnr.sock is a symlink to 'lsnr.sock.tmp', which does not exist");
    }

    [Fact]
    public void Check_Directory_IsInvalid()
    {
        Directory.CreateDirectory(SocketPath);

        SocketDestination.Check(SocketPath).Problem.ShouldBe("listener file is not a socket");
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Check_LinkOutsideTheDirectory_IsInvalid(bool absolute)
    {
        Bind("lsnr.sock.tmp");
        File.CreateSymbolicLink(SocketPath, absolute ? Path.Join(_dir, "lsnr.sock.tmp") : "../x/lsnr.sock.tmp");

        var check = SocketDestination.Check(SocketPath);

        check.State.ShouldBe(SocketCheckState.Invalid);
        check.Problem.ShouldBe("invalid unix socket symlink, symlinks must be relative within the unix socket directory");
    }

    [Fact]
    public void Check_RegularFile_IsInvalid()
    {
        File.WriteAllText(SocketPath, "x");

        SocketDestination.Check(SocketPath).Problem.ShouldBe("listener file is not a socket");
    }

    [Fact]
    public void Check_LinkToARegularFile_IsInvalid()
    {
        File.WriteAllText(Path.Join(_dir, "file"), "x");
        File.CreateSymbolicLink(SocketPath, "file");

        SocketDestination.Check(SocketPath).Problem.ShouldBe("listener file is not a socket");
    }

    public void Dispose()
    {
        foreach (var socket in _sockets)
        {
            socket.Dispose();
        }

        Directory.Delete(_dir, recursive: true);
    }

    private void Bind(string name)
    {
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        socket.Bind(new UnixDomainSocketEndPoint(Path.Join(_dir, name)));
        _sockets.Add(socket);
    }
}
