namespace FnPipeline.Testing.Fakes;

/// <summary>How the fake function makes lsnr.sock appear.</summary>
public enum SocketLayout
{
    /// <summary>Bind lsnr.sock.tmp, then symlink lsnr.sock to it (relative), like fdk-node.</summary>
    RelativeSymlink,

    /// <summary>Bind lsnr.sock itself.</summary>
    Direct,

    /// <summary>Bind lsnr.sock.tmp, then symlink lsnr.sock to its absolute path (forbidden).</summary>
    AbsoluteSymlink,

    /// <summary>Write a regular file named lsnr.sock (not a socket).</summary>
    RegularFile,
}
