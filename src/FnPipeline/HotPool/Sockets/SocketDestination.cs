namespace FnPipeline.HotPool;

/// <summary>
/// Fn's <c>checkSocketDestination</c>: <c>lsnr.sock</c> must be a socket, or a symbolic link to a bare file name in
/// the same directory that is a socket (fdk-go binds <c>phonylsnr.sock</c>, fdk-node <c>lsnr.sock.tmp</c>). A link
/// whose target does not exist is <see cref="SocketCheckState.Dangling"/>: Fn fails it at once, the watcher gives
/// the target a short grace first (docs/contract.md).
/// </summary>
internal static class SocketDestination
{
    public const string BadLink = "invalid unix socket symlink, symlinks must be relative within the unix socket directory";
    public const string NotASocket = "listener file is not a socket";

    public static string MissingTarget(string target) =>
        $"unable to stat unix socket file: lsnr.sock is a symlink to '{target}', which does not exist";

    public static SocketCheck Check(string socketPath)
    {
        try
        {
            var type = FileType.Of(socketPath, followLinks: false);
            if (type == 0)
            {
                return SocketCheck.Pending;
            }

            if (FileType.IsSymbolicLink(type))
            {
                return CheckLink(socketPath);
            }

            return FileType.IsSocket(type) ? SocketCheck.Ready : SocketCheck.Invalid(NotASocket);
        }
        catch (IOException ex)
        {
            return SocketCheck.Invalid($"error statting unix socket link file: {ex.Message}");
        }
    }

    private static SocketCheck CheckLink(string socketPath)
    {
        var target = new FileInfo(socketPath).LinkTarget;
        if (target is null)
        {
            // Replaced between the two looks; the next event checks again.
            return SocketCheck.Pending;
        }

        if (!IsBareName(target))
        {
            return SocketCheck.Invalid(BadLink);
        }

        var type = FileType.Of(socketPath, followLinks: true);
        return type == 0 ? SocketCheck.Dangling(MissingTarget(target))
            : FileType.IsSocket(type) ? SocketCheck.Ready
            : SocketCheck.Invalid(NotASocket);
    }

    /// <summary>Go's <c>filepath.Dir(target) == "."</c>: a name (optionally <c>./name</c>) inside the same directory.</summary>
    private static bool IsBareName(string target)
    {
        var name = target.StartsWith("./", StringComparison.Ordinal) ? target[2..] : target;
        return name.Length > 0 && name is not ("." or "..") && !name.Contains('/', StringComparison.Ordinal);
    }
}
