using System.Security.Cryptography;
using FnPipeline.Ownership;

namespace FnPipeline.HotPool;

/// <summary>
/// A hot container's private socket directory, <c>&lt;base&gt;/iofs-&lt;12 hex&gt;</c> (17 characters, the length the
/// options validator reserves so that the socket path fits <c>sockaddr_un</c>), bind-mounted at <c>/tmp/iofs</c>.
/// With an owner, a marker names the directory from before its creation until after its deletion, so that a reaper
/// finds it if this process dies in between.
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

    private readonly ExecutorOwner? _owner;

    private SocketDirectory(string id, string path, ExecutorOwner? owner)
    {
        _owner = owner;
        Id = id;
        Path = path;
        SocketPath = System.IO.Path.Join(path, SocketFileName);
    }

    /// <summary>12 lowercase hex digits, unique per container; also names the container.</summary>
    public string Id { get; }

    public string Path { get; }

    public string SocketPath { get; }

    public static SocketDirectory Create(string baseDirectory, ExecutorOwner? owner = null)
    {
        // Markers name directories of the owner's base directory only.
        if (owner is not null && owner.Files.BaseDirectory != System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(baseDirectory)))
        {
            owner = null;
        }

        while (true)
        {
            var id = RandomNumberGenerator.GetHexString(12, lowercase: true);
            var path = System.IO.Path.Join(baseDirectory, Prefix + id);
            if (Directory.Exists(path))
            {
                continue;
            }

            owner?.AddSocketDirectory(Prefix + id);
            try
            {
                Directory.CreateDirectory(path);
                if (!OperatingSystem.IsWindows())
                {
                    // Set after creation: the process umask would strip the group and other bits from a create mode.
                    File.SetUnixFileMode(path, OpenToContainer);
                }
            }
            catch
            {
                owner?.RemoveSocketDirectory(Prefix + id);
                throw;
            }

            return new SocketDirectory(id, path, owner);
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

        _owner?.RemoveSocketDirectory(System.IO.Path.GetFileName(Path));
    }
}
