using System.Net.Sockets;
using System.Text;

namespace FnPipeline.Cli.Doctor;

/// <summary>
/// The hot pool's socket base directory: it must exist, be writable, hold unix sockets, and be short enough that
/// <c>&lt;dir&gt;/iofs-XXXXXXXXXXXX/lsnr.sock</c> fits a socket address (107 bytes).
/// </summary>
internal static class SocketDirectoryCheck
{
    public const string Name = "socket directory";
    private const int MaxSocketPathBytes = 107;
    private const int SocketDirectoryNameLength = 17;

    public static async Task<DoctorCheck> RunAsync(string? configured, CancellationToken cancellationToken = default)
    {
        var directory = Path.GetFullPath(configured ?? Path.GetTempPath());
        var source = configured is null ? "the system temp directory" : "FNPIPELINE_HOT_SOCKET_DIR";
        if (!Directory.Exists(directory))
        {
            return DoctorCheck.Fail(Name, $"{directory} ({source}) does not exist",
                $"create it (mkdir -p {directory}) or set FNPIPELINE_HOT_SOCKET_DIR to an existing directory");
        }

        var socketPath = Path.Join(directory, new string('x', SocketDirectoryNameLength), "lsnr.sock");
        var bytes = Encoding.UTF8.GetByteCount(socketPath);
        if (bytes > MaxSocketPathBytes)
        {
            return DoctorCheck.Fail(Name, $"{directory} is too long: socket paths under it take {bytes} bytes, a unix socket address holds {MaxSocketPathBytes}",
                "set FNPIPELINE_HOT_SOCKET_DIR to a shorter directory, e.g. /tmp/fnpipeline");
        }

        var probe = Path.Join(directory, $"iofs-doctor-{Guid.NewGuid():N}"[..23]);
        try
        {
            Directory.CreateDirectory(probe);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return DoctorCheck.Fail(Name, $"{directory} is not writable: {e.Message}",
                "run fnpipe as a user that may write there, or set FNPIPELINE_HOT_SOCKET_DIR to a writable directory");
        }

        try
        {
            return await BindAsync(directory, probe, bytes, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            TryDelete(probe);
        }
    }

    private static async Task<DoctorCheck> BindAsync(string directory, string probe, int bytes, CancellationToken cancellationToken)
    {
        var path = Path.Join(probe, "lsnr.sock");
        try
        {
            using var listener = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            listener.Bind(new UnixDomainSocketEndPoint(path));
            listener.Listen(1);
            using var client = new Socket(AddressFamily.Unix, SocketType.Stream, ProtocolType.Unspecified);
            await client.ConnectAsync(new UnixDomainSocketEndPoint(path), cancellationToken).ConfigureAwait(false);
        }
        catch (SocketException e)
        {
            return DoctorCheck.Fail(Name, $"{directory} cannot hold unix sockets: {e.Message}",
                "set FNPIPELINE_HOT_SOCKET_DIR to a directory on a local filesystem (not a network or FUSE mount)");
        }

        return DoctorCheck.Ok(Name, $"{directory}: writable, unix sockets bind, socket paths take {bytes} of {MaxSocketPathBytes} bytes");
    }

    private static void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // A probe left in a temp directory is harmless.
        }
    }
}
