using System.Security.Cryptography;

namespace FnPipeline.HotPool;

/// <summary>
/// A hot container's private socket directory, <c>&lt;base&gt;/iofs-&lt;12 hex&gt;</c> (17 characters, the length the
/// options validator reserves so that the socket path fits <c>sockaddr_un</c>), bind-mounted at <c>/tmp/iofs</c>.
/// </summary>
internal sealed class SocketDirectory
{
    public const string SocketFileName = "lsnr.sock";
    private const string Prefix = "iofs-";

    // rwx for all: the function may run as any user and must be able to bind its socket here (Fn does the same for
    // unprivileged containers). Keep the base directory itself private to the executor's user.
    private const UnixFileMode OpenToContainer =
        UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute |
        UnixFileMode.GroupRead | UnixFileMode.GroupWrite | UnixFileMode.GroupExecute |
        UnixFileMode.OtherRead | UnixFileMode.OtherWrite | UnixFileMode.OtherExecute;

    private SocketDirectory(string id, string path)
    {
        Id = id;
        Path = path;
        SocketPath = System.IO.Path.Join(path, SocketFileName);
    }

    /// <summary>12 lowercase hex digits, unique per container; also names the container.</summary>
    public string Id { get; }

    public string Path { get; }

    public string SocketPath { get; }

    public static SocketDirectory Create(string baseDirectory)
    {
        while (true)
        {
            var id = RandomNumberGenerator.GetHexString(12, lowercase: true);
            var path = System.IO.Path.Join(baseDirectory, Prefix + id);
            if (Directory.Exists(path))
            {
                continue;
            }

            Directory.CreateDirectory(path);
            if (!OperatingSystem.IsWindows())
            {
                // Set after creation: the process umask would strip the group and other bits from a create mode.
                File.SetUnixFileMode(path, OpenToContainer);
            }

            return new SocketDirectory(id, path);
        }
    }

    /// <summary>Deletes the directory and whatever the function left in it; a directory already gone is fine.</summary>
    public void Delete()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
}
