using System.Net.Sockets;

namespace FnPipeline.TestFunction;

/// <summary>
/// Makes the listener socket appear the way the FDKs do: bind <c>lsnr.sock.tmp</c>, chmod 0666, then
/// create <c>lsnr.sock</c> as a relative symlink to it (or the deliberate variants of the startup flags).
/// </summary>
internal static class SocketBinder
{
    private const UnixFileMode ReadWriteAll =
        UnixFileMode.UserRead | UnixFileMode.UserWrite |
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite;

    public static Socket Bind(string socketPath, StartupOptions options)
    {
        string directory = Path.GetDirectoryName(socketPath) ?? "/";
        string temporaryName = Path.GetFileName(socketPath) + ".tmp";
        string temporaryPath = Path.Combine(directory, temporaryName);
        File.Delete(socketPath);
        File.Delete(temporaryPath);

        string bindPath = options.DirectBind ? socketPath : temporaryPath;
        var socket = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
        try
        {
            socket.Bind(new UnixDomainSocketEndPoint(bindPath));
            socket.Listen(16);
            File.SetUnixFileMode(bindPath, ReadWriteAll);
            if (!options.DirectBind)
            {
                File.CreateSymbolicLink(socketPath, options.BadSymlink ? temporaryPath : temporaryName);
            }
        }
        catch
        {
            socket.Dispose();
            throw;
        }

        Log.Error($"listening on {socketPath}" + (options.DirectBind ? " (bound directly)" : $" -> {new FileInfo(socketPath).LinkTarget}"));
        return socket;
    }

    /// <summary><c>--dangling-symlink</c> and <c>--regular-file</c>: an <c>lsnr.sock</c> nobody can ever connect to.</summary>
    public static void MakeBrokenListener(string socketPath, StartupOptions options)
    {
        string temporaryName = Path.GetFileName(socketPath) + ".tmp";
        File.Delete(socketPath);
        if (options.DanglingSymlink)
        {
            File.CreateSymbolicLink(socketPath, temporaryName);
            Log.Error($"made {socketPath} a dangling symlink to {temporaryName} (--dangling-symlink)");
        }
        else
        {
            File.WriteAllText(socketPath, "not a socket\n");
            Log.Error($"made {socketPath} a regular file (--regular-file)");
        }
    }
}
