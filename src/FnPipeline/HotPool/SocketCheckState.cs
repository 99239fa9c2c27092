namespace FnPipeline.HotPool;

/// <summary>States of <see cref="SocketCheck"/>.</summary>
internal enum SocketCheckState
{
    /// <summary><c>lsnr.sock</c> is not there yet (or is a link whose target is not there yet).</summary>
    Pending,

    /// <summary><c>lsnr.sock</c> is a socket, or a relative link in the same directory to one.</summary>
    Ready,

    /// <summary>Something is there that can never become valid.</summary>
    Invalid,
}
